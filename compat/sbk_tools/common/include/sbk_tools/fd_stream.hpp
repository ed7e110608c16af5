// Decodes a whole sbk_extract stream from an open file descriptor (a file or
// a pipe) until end of file.
#pragma once

#include <optional>
#include <string_view>

#include "sbk_tools/record_sink.hpp"

namespace sbk_tools {

// Every complete record before a bad or truncated one reaches `sink` before
// the error is returned, so that callers print all they can.
std::optional<InputError> decode_fd(int fd, std::string_view source, const RecordSink& sink);

}  // namespace sbk_tools
