// What xebek-viewer prints for each record, as sbk_viewer.pl does:
//   reads    keystroke lines in red ("\n#line\n", or with -v the
//            ks_log-style header and "(ppid)" after the pid);
//   writes   blue: the data of fd 0-2 writes longer than one byte
//            (prompts and command output, not echoed keys), or with -v
//            every write with a header line;
//   sockets  green header line with -V;  opens  black header line with -V;
//   anything else, including reads over 100 bytes, an error line.
// Filters (-t type, -p pid or ppid, -c comm) drop records before anything
// else, so they also decide which reads take part in a keystroke line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sbk_tools/keystroke_assembler.hpp"

namespace sbk_tools {

struct ViewerOptions {
  bool verbose = false;       // -v
  bool more_verbose = false;  // -V
  std::optional<std::uint16_t> type;  // -t 0|1
  std::optional<std::uint32_t> pid;   // -p: matches pid or parent pid
  std::optional<std::string> comm;    // -c: the comm as printed
  bool colors = true;
};

class ViewerPrinter {
 public:
  explicit ViewerPrinter(ViewerOptions options) : options_(std::move(options)) {}
  void on_record(const sebekd_format::StreamRecord& r, std::string& out);

 private:
  void append_header(const sebekd_format::StreamRecord& r, std::string_view uids, std::string_view comms,
                     std::string& out) const;

  ViewerOptions options_;
  KeystrokeAssembler assembler_;
  KeystrokeLine line_;
  std::string scratch_;  // one coloured chunk, reused
};

}  // namespace sbk_tools
