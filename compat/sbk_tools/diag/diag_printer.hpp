// What xebek-diag prints for each record: sbk_diag.pl's one line per read,
// write and open record (data printed raw), a decoded line per socket
// record, nothing for other types.
#pragma once

#include <string>

#include "sebekd_format/stream.hpp"

namespace sbk_tools {

void append_diag_line(const sebekd_format::StreamRecord& r, std::string& out);

}  // namespace sbk_tools
