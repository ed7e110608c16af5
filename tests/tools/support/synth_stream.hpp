// Large, realistic streams for the benchmark and the legacy harness: the
// records of the golden streams repeated in order until `records` were
// written, each repetition shifted later in time (Sebek and pcap seconds)
// and every record given the next counter of its honeypot, so that the
// result looks like one long capture (no counter repeats, times increase).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace xebek_test {

std::string synth_stream(const std::vector<std::string>& base_streams, std::size_t records);

// synth_stream() of the golden streams x.expected.sbk and edge.expected.sbk
// in `vectors_dir`: what the benchmarks run on.
std::string synth_golden_stream(const std::string& vectors_dir, std::size_t records);

}  // namespace xebek_test
