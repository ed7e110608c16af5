// What xebek-ks-log prints for each record: sbk_ks_log.pl's keystroke lines,
//   [YYYY-MM-DD HH:MM:SS Host:IP UID:U PID:P FD:F INO:I COM:C ]#typed text
#pragma once

#include <string>

#include "sbk_tools/keystroke_assembler.hpp"

namespace sbk_tools {

class KsLogPrinter {
 public:
  // Appends to `out` the line this record completes, if any.
  void on_record(const sebekd_format::StreamRecord& r, std::string& out);

 private:
  KeystrokeAssembler assembler_;
  KeystrokeLine line_;  // reused to keep its buffers
};

}  // namespace sbk_tools
