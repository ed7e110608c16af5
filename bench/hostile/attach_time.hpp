// The time to attach a domain whose native log is already large: the logs
// are written directly through xebekd's own DomainLogs, then measured two
// ways, DomainLogs::open() in this process and a fresh xebekd from start
// to the domain's "attached" line and its first record on disk; each with
// the checkpoint file and without it (recovery then walks the whole log).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace bench {

struct AttachRun {
  std::filesystem::path dir;      // scratch on a real disk; removed afterwards
  std::uint64_t native_bytes = 0; // size the native log is grown to
  std::size_t entry_bytes = 1024; // data per native entry
  unsigned repeats = 5;           // each time is the median of this many
};

// Medians over the repeats.
struct AttachTimes {
  double open_ms = 0;          // DomainLogs::open()
  double attached_ms = 0;      // xebekd start -> "attached" on its stderr
  double first_record_ms = 0;  // xebekd start -> the native log grew
  bool from_checkpoint = false;  // what open() reported
};

struct AttachFigures {
  std::uint64_t native_bytes = 0;  // as written
  std::uint64_t entries = 0;
  double create_s = 0;
  AttachTimes with_checkpoint;
  AttachTimes without_checkpoint;
};

// Throws std::runtime_error when a write fails or xebekd does not attach.
AttachFigures run_attach(const AttachRun& run);

}  // namespace bench
