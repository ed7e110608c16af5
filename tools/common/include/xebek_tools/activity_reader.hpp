// Reads what the analysis tools are given, in order, as one sequence of
// Activity: Sebek pcap files, sbk_extract streams (files or stdin "-"),
// native log files, and xebekd domain log directories. A directory is read
// from its native log (native.NNNNNN.xnl in order, then native.xnl) when it
// has one, else from its Sebek stream (sebek.NNNNNN.sbk, then sebek.sbk);
// its records are attributed to the host named after the directory (the
// domain). Records of pcap files and streams are attributed to their Sebek
// source address.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sbk_tools/record_sink.hpp"
#include "xebek_tools/activity.hpp"
#include "xebek_tools/host_table.hpp"

namespace xebek_tools {

using ActivitySink = std::function<void(const Activity&)>;

struct ActivityInputs {
  std::vector<std::string> paths;  // empty: the sbk_extract stream on stdin
  // A live domain log directory (or stream file) followed across rotation
  // until hooks.should_stop(); its Sebek stream is what is followed, since
  // that is what xebekd appends record by record.
  std::string follow;
};

enum class InputKind { Directory, Pcap, NativeLog, Stream };

// What a path holds, from its type and first bytes; a file that is neither
// pcap nor native log is taken as a stream (the decoder judges it).
InputKind classify_input(const std::string& path);

// The log files of a domain directory, in reading order (rotated first).
std::vector<std::string> domain_log_files(const std::string& dir, InputKind& kind);

// Returns 0 when every input was read to its end; otherwise prints
// "PROGRAM: SOURCE: reason" on stderr and returns 1 after delivering every
// activity before the problem. Later inputs are not read.
int read_activity(std::string_view program, const ActivityInputs& inputs, HostTable& hosts,
                  const ActivitySink& sink, const sbk_tools::InputHooks& hooks = {});

}  // namespace xebek_tools
