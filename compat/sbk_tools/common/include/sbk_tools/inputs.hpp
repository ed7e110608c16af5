// Where a tool's records come from, as its command line chose: standard
// input, a list of files read one after the other, or a live log followed
// with -F. The tool keeps its state across files, as if they were the
// rotated parts of one log.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sbk_tools/log_follower.hpp"
#include "sbk_tools/record_sink.hpp"

namespace sbk_tools {

struct InputSelection {
  std::vector<std::string> files;  // empty, or "-", means standard input
  std::string follow;              // -F DIR (or a log file); wins over files
  FollowOptions follow_options;
};

// Reads every selected input through `sink`. Returns 0 when all were read
// to their end, 1 after printing "PROGRAM: SOURCE: byte offset N: reason"
// on stderr for the first bad or unreadable input; the records before the
// bad offset have been delivered, and no later input is read (a stream
// whose record boundaries are lost cannot be trusted past that point).
// hooks.on_idle also runs once before an error is printed, so that output
// already produced comes out ahead of the message.
int read_inputs(std::string_view program, const InputSelection& inputs, const RecordSink& sink,
                const InputHooks& hooks = {});

}  // namespace sbk_tools
