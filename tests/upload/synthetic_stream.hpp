// A large sbk_extract stream for the tests and the benchmark: the records
// of the conformance vectors repeated with increasing counters and times
// and with shifted pids, so that new processes keep appearing the way a
// long capture makes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace upload_test {

// `records` records built from x.expected.sbk and edge.expected.sbk in
// `vectors`. `pid_offset` moves every non-zero pid, so that streams of
// several hosts in one test differ.
std::string synthetic_stream(const std::filesystem::path& vectors, std::size_t records,
                             std::uint32_t pid_offset = 0);

}  // namespace upload_test
