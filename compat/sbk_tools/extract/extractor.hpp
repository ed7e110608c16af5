// The sbk_extract pipeline: frames from a PcapReader become stream records
// on an output, with sbk_extract's stderr messages and loss reports.
#pragma once

#include <cstdint>
#include <cstdio>

#include "sebekd_format/loss_tracker.hpp"
#include "sebekd_format/pcap_file.hpp"

namespace sbk_tools::extract {

struct Outputs {
  std::FILE* stream = stdout;
  std::FILE* messages = stderr;
  // Live capture flushes every record so a pipe reader sees it at once,
  // as sbk_extract does; a file is flushed once at the end.
  bool flush_each_record = false;
};

// Runs the reader to its end; throws sebekd_format::PcapError on a read error after
// flushing everything already extracted.
void extract(sebekd_format::PcapReader& reader, const Outputs& out, sebekd_format::LossTracker& losses);

}  // namespace sbk_tools::extract
