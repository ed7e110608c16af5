// The body every record-printing tool shares: read the selected inputs,
// let the tool append its text for each record to a buffered stdout, flush
// while a followed log is idle, end a follow cleanly on SIGINT or SIGTERM,
// and turn a bad input or a failed write into a message and exit status 1.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sbk_tools/inputs.hpp"

namespace sbk_tools {

using RecordPrinter = std::function<void(const sebekd_format::StreamRecord&, std::string& out)>;

// Returns the process exit status.
int run_printer(std::string_view program, const InputSelection& inputs,
                const RecordPrinter& printer);

}  // namespace sbk_tools
