// The rows one batch of records adds to the walleye_0_3 tables, together
// with what the database held before the batch for the rows the batch
// changes. MyISAM has no transactions, so the "before" part is what lets a
// restarted upload take back a batch that was only partly written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sbk_tools::upload {

// Times are the values as the INT columns hold them (clamped to INT range).
struct ProcessRow {
  std::uint32_t process_id = 0;  // 0: no row with this id
  std::uint32_t src_ip = 0;
  std::uint32_t pid = 0;
  std::int64_t time_min = 0, time_max = 0, pcap_time_min = 0, pcap_time_max = 0;
  friend bool operator==(const ProcessRow&, const ProcessRow&) = default;
};

struct TreeRow { std::uint32_t child = 0, parent = 0; };
struct ProcessToComRow { std::uint32_t process_id = 0, command_id = 0; };

// One sys_read or sys_open row; `payload` is the data or the file name,
// stored in the batch's arena as [payload_offset, +payload_size).
struct SyscallRow {
  std::uint32_t process_id = 0;
  std::uint32_t id = 0;  // sys_read_id (per process) or sys_open_id (per sensor)
  std::uint32_t uid = 0, pcap_time = 0, time = 0, counter = 0, fd = 0, inode = 0, length = 0;
  std::size_t payload_offset = 0, payload_size = 0;
};

struct LossRow {
  std::uint32_t src_ip = 0, time = 0;
  std::int64_t lost = 0;
};

struct UploadBatch {
  // --- the state before the batch (what an undo restores)
  std::uint32_t base_max_process_id = 0;
  std::uint32_t base_max_sys_open_id = 0;
  // Highest sys_read_id before the batch, for older processes given reads.
  std::unordered_map<std::uint32_t, std::uint32_t> base_max_sys_read_id;
  // Times before the batch of the older processes whose times it widened.
  std::unordered_map<std::uint32_t, ProcessRow> base_process_times;

  // --- the rows the batch writes
  std::vector<ProcessRow> new_processes;      // filled by LegacyModel::complete()
  std::vector<ProcessRow> changed_processes;  // older processes, their new times
  std::vector<TreeRow> tree;
  std::vector<ProcessToComRow> process_to_com;
  std::vector<SyscallRow> reads;
  std::vector<SyscallRow> opens;
  std::vector<LossRow> losses;
  std::string arena;

  std::uint64_t records = 0;  // stream records the batch covers (written or not)

  std::string_view payload(const SyscallRow& r) const {
    return std::string_view(arena).substr(r.payload_offset, r.payload_size);
  }
  bool has_rows() const {
    return !new_processes.empty() || !changed_processes.empty() || !tree.empty() ||
           !process_to_com.empty() || !reads.empty() || !opens.empty() || !losses.empty();
  }
};

}  // namespace sbk_tools::upload
