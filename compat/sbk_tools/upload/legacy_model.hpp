// The decisions sbk_upload.pl takes for each record, replayed in memory:
// which process row a record belongs to (creating it and its parents the
// way the original's recursion does), which command and process_to_com rows
// it needs, which sys_read / sys_open row or connection-log line it yields,
// and which diagnostics the original prints. Nothing here talks to the
// database; the rows land in an UploadBatch that the writer applies, so the
// per-record round trips of the original become one bulk write per batch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sebekd_format/stream.hpp"
#include "upload_batch.hpp"

namespace sbk_tools::upload {

// The three defects of the original, each kept by default (so that the rows
// equal what Walleye installations already hold) and fixable on request.
struct Fixes {
  // A new process whose record carries parent pid 0 gets no process_id in
  // the original, so that record is dropped. Fixed: the record is stored.
  bool keep_ppid0_record = false;
  // The original never writes sbk_loss (the insert is commented out).
  // Fixed: every reported loss becomes an sbk_loss row.
  bool write_sbk_loss = false;
  // The original reports a repeated counter as "lost -1". Fixed: a repeated
  // counter is not a loss.
  bool duplicate_counter_not_lost = false;
};

// Finds or creates command rows. The original asks the database (whose
// collation decides which names are equal), so the model does too.
class CommandStore {
 public:
  virtual ~CommandStore() = default;
  virtual std::optional<std::uint32_t> find(const std::string& name) = 0;
  virtual std::uint32_t add(const std::string& name) = 0;
};

// What the model starts from: the sensor's rows already in the database.
struct ExistingState {
  std::vector<ProcessRow> processes;  // in process_id order
  std::vector<std::pair<std::uint32_t, std::uint32_t>> process_to_com;  // (process, command)
  std::unordered_map<std::uint32_t, std::uint32_t> max_sys_read_id;     // per process_id
  std::uint32_t max_sys_open_id = 0;
  // Ids up to here are taken even if no row holds them (InnoDB layout: the
  // marks committed with the progress); new processes get higher ones.
  std::uint32_t max_process_id = 0;
};

class LegacyModel {
 public:
  LegacyModel(std::uint32_t sensor_id, Fixes fixes, CommandStore& commands, ExistingState state);

  // Replays one record. Rows go to `batch`, connection-log lines to
  // `conlog`, the original's stderr lines to `diagnostics`.
  void apply(const sebekd_format::StreamRecord& r, UploadBatch& batch, std::string& conlog,
             std::string& diagnostics);

  // A record that was already uploaded by an earlier run: only the loss
  // tracking learns from it, nothing is written or printed.
  void skip(const sebekd_format::StreamRecord& r);

  // Empties `batch` and records in it the state it starts from.
  void begin(UploadBatch& batch) const;
  // Copies the final values of the process rows the batch created or
  // changed into it, ready for the writer.
  void complete(UploadBatch& batch) const;

 private:
  std::optional<std::uint32_t> add_process(std::uint32_t ip, std::uint32_t pid,
                                           std::uint32_t ppid, std::uint32_t pcap_time,
                                           std::uint32_t time, bool record_owner,
                                           UploadBatch& batch, std::string& diagnostics);
  std::uint32_t add_command(const std::string& name, std::optional<std::uint32_t> process_id,
                            UploadBatch& batch, std::string& diagnostics);
  void track_loss(const sebekd_format::StreamRecord& r, UploadBatch* batch, std::string* diagnostics);
  void widen_times(ProcessRow& row, std::uint32_t pcap_time, std::uint32_t time);

  static std::uint64_t key(std::uint32_t ip, std::uint32_t pid) {
    return (std::uint64_t{ip} << 32) | pid;
  }

  std::uint32_t sensor_id_;
  Fixes fixes_;
  CommandStore& commands_;

  std::vector<ProcessRow> processes_;  // index = process_id - 1 (process_id 0 marks a gap)
  std::unordered_map<std::uint64_t, std::uint32_t> by_pid_;   // (src_ip, pid) -> process_id
  std::unordered_map<std::string, std::uint32_t> command_ids_;
  std::unordered_set<std::uint64_t> process_to_com_;          // (process << 32) | command
  std::unordered_set<std::uint32_t> null_process_commands_;   // failed NULL inserts already reported
  std::unordered_map<std::uint32_t, std::uint32_t> max_sys_read_id_;
  std::uint32_t max_sys_open_id_ = 0;
  std::unordered_map<std::uint32_t, std::uint32_t> last_counter_;  // per src_ip
  bool last_ok_ = false;  // the original's $ret_code, which type 1 records leave as it was
};

}  // namespace sbk_tools::upload
