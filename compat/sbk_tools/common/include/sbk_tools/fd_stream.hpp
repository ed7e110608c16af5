// Decodes a whole sbk_extract stream from an open file descriptor (a file or
// a pipe) until end of file.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "sbk_tools/record_sink.hpp"

namespace sbk_tools {

// How long a pipe (or terminal, socket) may stay quiet before the tool is
// told it is idle: short enough that a live `xebek-extract | tool` shows its
// records within a second, long enough that a busy pipe never triggers it.
inline constexpr std::chrono::milliseconds kPipeQuietPeriod{250};

// Every complete record before a bad or truncated one reaches `sink` before
// the error is returned, so that callers print all they can.
// When `fd` is not a regular file, hooks.on_idle runs once each time no
// byte arrived for `quiet` (a regular file never waits, so never idles).
std::optional<InputError> decode_fd(int fd, std::string_view source, const RecordSink& sink,
                                    const InputHooks& hooks = {},
                                    std::chrono::milliseconds quiet = kPipeQuietPeriod);

}  // namespace sbk_tools
