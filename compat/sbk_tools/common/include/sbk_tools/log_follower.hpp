// Follows a live xebekd domain log by name, like `tail -F`: reads the stream
// from the start of the live file, waits for it to grow, and when the log is
// rotated (the name now points to another file, or is gone for a while)
// drains the old file to its end before it continues with the new one. A
// log truncated in place (xebekd cutting a partial record after a crash, or
// a copy-and-truncate rotation) is re-read from the last record boundary
// that still exists, or from its start.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>

#include "sbk_tools/record_sink.hpp"

namespace sbk_tools {

// Name of the live stream in a domain's log directory (see common/README.md).
inline constexpr const char* kLiveStreamName = "sebek.sbk";

// `-F ARG`: ARG/sebek.sbk when ARG is a directory, else ARG itself.
std::filesystem::path live_log_path(const std::filesystem::path& arg);

struct FollowOptions {
  // How long to sleep when the log has not grown; short enough that a live
  // keystroke appears without a noticeable delay.
  std::chrono::milliseconds poll_interval{100};
};

// Follows live_log_path(arg), resolved again whenever the log is (re)opened,
// so DIR may be created after the follow started. Runs until
// hooks.should_stop() returns true (then returns nullopt) or the stream is
// bad (returns the error; the records before it were delivered).
std::optional<InputError> follow_log(const std::filesystem::path& arg, const RecordSink& sink,
                                     const InputHooks& hooks, FollowOptions options = {});

}  // namespace sbk_tools
