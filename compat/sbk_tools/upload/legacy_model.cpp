#include "legacy_model.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>

namespace sbk_tools::upload {

namespace {

// The time columns are signed INT: with sql_mode='' a larger value is
// stored as INT_MAX, and later comparisons see the stored value.
std::int64_t as_int_column(std::uint32_t v) {
  return std::min<std::int64_t>(v, std::numeric_limits<std::int32_t>::max());
}

// `$com =~ s/\0//g`: every NUL goes, not only the padding.
std::string command_name(const sebekd_format::Comm& comm) {
  std::string name;
  for (char c : comm)
    if (c != '\0') name.push_back(c);
  return name;
}

std::uint64_t pair_key(std::uint32_t a, std::uint32_t b) { return (std::uint64_t{a} << 32) | b; }

// unpack("NnNnnC") of a socket record into dip, dport, sip, sport, call,
// proto; a field the data is too short for is undefined in Perl and prints
// as an empty string.
std::array<std::string, 6> socket_fields(std::span<const std::uint8_t> d) {
  struct Field { std::size_t at, size; };
  static constexpr Field layout[] = {{0, 4}, {4, 2}, {6, 4}, {10, 2}, {12, 2}, {14, 1}};
  std::array<std::string, 6> out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (d.size() < layout[i].at + layout[i].size) break;
    std::uint32_t v = 0;
    for (std::size_t b = 0; b < layout[i].size; ++b) v = (v << 8) | d[layout[i].at + b];
    out[i] = std::to_string(v);
  }
  return out;
}

}  // namespace

LegacyModel::LegacyModel(std::uint32_t sensor_id, Fixes fixes, CommandStore& commands,
                         ExistingState state)
    : sensor_id_(sensor_id), fixes_(fixes), commands_(commands),
      max_sys_read_id_(std::move(state.max_sys_read_id)),
      max_sys_open_id_(state.max_sys_open_id) {
  for (const ProcessRow& p : state.processes) {
    if (p.process_id == 0) continue;
    if (processes_.size() < p.process_id) processes_.resize(p.process_id);
    processes_[p.process_id - 1] = p;
    // The original's SELECT returns the first matching row; with rows in
    // process_id order that is the lowest id.
    by_pid_.try_emplace(key(p.src_ip, p.pid), p.process_id);
  }
  if (processes_.size() < state.max_process_id) processes_.resize(state.max_process_id);
  for (auto [process, command] : state.process_to_com)
    process_to_com_.insert(pair_key(process, command));
}

void LegacyModel::begin(UploadBatch& batch) const {
  batch = UploadBatch{};
  batch.base_max_process_id = static_cast<std::uint32_t>(processes_.size());
  batch.base_max_sys_open_id = max_sys_open_id_;
}

void LegacyModel::complete(UploadBatch& batch) const {
  batch.new_processes.assign(processes_.begin() + batch.base_max_process_id, processes_.end());
  batch.changed_processes.clear();
  for (const auto& [id, before] : batch.base_process_times)
    if (processes_[id - 1] != before) batch.changed_processes.push_back(processes_[id - 1]);
  std::sort(batch.changed_processes.begin(), batch.changed_processes.end(),
            [](const ProcessRow& a, const ProcessRow& b) { return a.process_id < b.process_id; });
}

void LegacyModel::widen_times(ProcessRow& row, std::uint32_t pcap_time, std::uint32_t time) {
  // The four UPDATE ... WHERE col > ? / col < ? statements of the original.
  if (row.time_min > time) row.time_min = as_int_column(time);
  if (row.time_max < time) row.time_max = as_int_column(time);
  if (row.pcap_time_min > pcap_time) row.pcap_time_min = as_int_column(pcap_time);
  if (row.pcap_time_max < pcap_time) row.pcap_time_max = as_int_column(pcap_time);
}

std::optional<std::uint32_t> LegacyModel::add_process(std::uint32_t ip, std::uint32_t pid,
                                                      std::uint32_t ppid,
                                                      std::uint32_t pcap_time, std::uint32_t time,
                                                      bool record_owner, UploadBatch& batch,
                                                      std::string& diagnostics) {
  std::optional<std::uint32_t> process_id;
  if (auto it = by_pid_.find(key(ip, pid)); it != by_pid_.end()) {
    process_id = it->second;
    ProcessRow& row = processes_[it->second - 1];
    if (it->second <= batch.base_max_process_id)
      batch.base_process_times.try_emplace(it->second, row);
    widen_times(row, pcap_time, time);
  } else {
    ProcessRow row;
    row.process_id = static_cast<std::uint32_t>(processes_.size() + 1);
    row.src_ip = ip;
    row.pid = pid;
    row.time_min = row.time_max = as_int_column(time);
    row.pcap_time_min = row.pcap_time_max = as_int_column(pcap_time);
    processes_.push_back(row);
    by_pid_.emplace(key(ip, pid), row.process_id);
    // The original reads the new id back only when the parent pid is
    // non-zero, so a new process with parent pid 0 (and every parent the
    // recursion creates, which it passes parent pid 0) stays without one.
    if (ppid != 0 || (record_owner && fixes_.keep_ppid0_record)) process_id = row.process_id;
    // The parent is looked up (and created) even when the parent pid is 0.
    const auto parent = add_process(ip, ppid, 0, pcap_time, time, false, batch, diagnostics);
    if (process_id && parent) batch.tree.push_back({*process_id, *parent});
  }
  if (!process_id)
    diagnostics += "UH!?!?! how is process_id null coming out of add_process? " +
                   std::to_string(sensor_id_) + ' ' + std::to_string(ip) + ' ' +
                   std::to_string(pid) + '\n';
  return process_id;
}

std::uint32_t LegacyModel::add_command(const std::string& name,
                                       std::optional<std::uint32_t> process_id,
                                       UploadBatch& batch, std::string& diagnostics) {
  std::uint32_t command_id;
  if (auto it = command_ids_.find(name); it != command_ids_.end()) {
    command_id = it->second;
  } else {
    const auto found = commands_.find(name);
    command_id = found ? *found : commands_.add(name);
    command_ids_.emplace(name, command_id);
  }
  if (!process_id) {
    // The original inserts process_id NULL into process_to_com, which the
    // server refuses; it remembers the pair and does not try again.
    if (null_process_commands_.insert(command_id).second)
      diagnostics +=
          "DBD::mysql::st execute failed: Column 'process_id' cannot be null at sbk_upload.pl "
          "line 238.\n";
  } else if (process_to_com_.insert(pair_key(*process_id, command_id)).second) {
    batch.process_to_com.push_back({*process_id, command_id});
  }
  return command_id;
}

void LegacyModel::track_loss(const sebekd_format::StreamRecord& r, UploadBatch* batch,
                             std::string* diagnostics) {
  const std::uint32_t counter = r.header.counter;
  auto [it, first] = last_counter_.try_emplace(r.src_ip, counter);
  if (first) return;
  const std::uint32_t previous = it->second;
  it->second = counter;
  // abs($counter - $counter_lut{$ip}) - 1: a repeated counter gives -1.
  const std::int64_t lost =
      std::llabs(static_cast<std::int64_t>(counter) - static_cast<std::int64_t>(previous)) - 1;
  if (lost == 0) return;
  if (lost < 0 && fixes_.duplicate_counter_not_lost) return;
  if (diagnostics)
    *diagnostics += std::to_string(r.pcap_sec) + ": host " + std::to_string(r.src_ip) +
                    ": lost " + std::to_string(lost) + '\n';
  if (batch && fixes_.write_sbk_loss) batch->losses.push_back({r.src_ip, r.pcap_sec, lost});
}

void LegacyModel::skip(const sebekd_format::StreamRecord& r) { track_loss(r, nullptr, nullptr); }

void LegacyModel::apply(const sebekd_format::StreamRecord& r, UploadBatch& batch, std::string& conlog,
                        std::string& diagnostics) {
  ++batch.records;
  track_loss(r, &batch, &diagnostics);
  const sebekd_format::Header& h = r.header;
  if (h.type > 3) return;  // the original skips these before anything else

  if (h.type != 1) {  // writes are read but not stored, and leave $ret_code alone
    const std::string name = command_name(h.comm);
    const auto process_id =
        add_process(r.src_ip, h.pid, h.ppid, r.pcap_sec, h.time_sec, true, batch, diagnostics);
    const std::uint32_t command_id = add_command(name, process_id, batch, diagnostics);
    last_ok_ = process_id.has_value() && command_id != 0;
    if (last_ok_ && h.type == 2) {
      const auto [dip, dport, sip, sport, call, proto] = socket_fields(r.data);
      conlog += std::to_string(*process_id) + ',' + std::to_string(h.uid) + ',' +
                std::to_string(h.counter) + ',' + std::to_string(h.fd) + ',' +
                std::to_string(h.inode) + ',' + call + ',' + std::to_string(r.pcap_sec) + ',' +
                std::to_string(h.time_sec) + ',' + proto + ',' + sip + ',' + sport + ',' + dip +
                ',' + dport + '\n';
    } else if (last_ok_) {
      SyscallRow row;
      row.process_id = *process_id;
      if (h.type == 0) {
        auto [it, fresh] = max_sys_read_id_.try_emplace(*process_id, 0);
        if (*process_id <= batch.base_max_process_id)
          batch.base_max_sys_read_id.try_emplace(*process_id, it->second);
        row.id = ++it->second;
      } else {
        row.id = ++max_sys_open_id_;
      }
      row.uid = h.uid;
      row.pcap_time = r.pcap_sec;
      row.time = h.time_sec;
      row.counter = h.counter;
      row.fd = h.fd;
      row.inode = h.inode;
      row.length = h.length;
      row.payload_offset = batch.arena.size();
      row.payload_size = r.data.size();
      batch.arena.append(reinterpret_cast<const char*>(r.data.data()), r.data.size());
      (h.type == 0 ? batch.reads : batch.opens).push_back(row);
    }
  }
  // The original sleeps 2 s and reconnects whenever the last add failed;
  // the reconnect changes nothing, and Xebek does not sleep.
  if (!last_ok_) diagnostics += "reconnecting to the datbase\n";
}

}  // namespace sbk_tools::upload
