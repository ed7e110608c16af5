#include "xebek_tools/activity_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "sbk_tools/inputs.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "xebek_tools/record_conversion.hpp"
#include "xebekd/native_log.hpp"

namespace fs = std::filesystem;

namespace xebek_tools {

namespace {

int fail(std::string_view program, const std::string& message, const sbk_tools::InputHooks& hooks) {
  if (hooks.on_idle) hooks.on_idle();
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(),
               message.c_str());
  return 1;
}

bool is_pcap_magic(const unsigned char m[4]) {
  static const unsigned char kMagics[][4] = {
      {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},  // microseconds
      {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},  // nanoseconds
      {0x0a, 0x0d, 0x0d, 0x0a}};                           // pcapng
  for (const auto& k : kMagics)
    if (std::memcmp(m, k, 4) == 0) return true;
  return false;
}

// "stem.NNNNNN.ext": a rotated generation of a domain log.
bool is_rotated_name(const std::string& name, std::string_view stem, std::string_view ext) {
  const std::size_t want = stem.size() + 1 + 6 + 1 + ext.size();
  if (name.size() != want || !name.starts_with(stem) || !name.ends_with(ext)) return false;
  if (name[stem.size()] != '.' || name[stem.size() + 7] != '.') return false;
  return std::all_of(name.begin() + static_cast<long>(stem.size()) + 1,
                     name.begin() + static_cast<long>(stem.size()) + 7,
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> generations(const std::string& dir, std::string_view stem,
                                     std::string_view ext) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_rotated_name(name, stem, ext)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  const fs::path live = fs::path(dir) / (std::string(stem) + "." + std::string(ext));
  if (fs::exists(live, ec)) files.push_back(live.string());
  return files;
}

std::string host_of_directory(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir.empty() ? "." : dir, ec).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  const std::string name = p.filename().string();
  return name.empty() ? dir : name;
}

int read_stream_files(std::string_view program, std::vector<std::string> files,
                      std::optional<std::uint32_t> host, HostTable& hosts,
                      const ActivitySink& sink, const sbk_tools::InputHooks& hooks,
                      std::string follow = {}) {
  sbk_tools::InputSelection sel;
  sel.files = std::move(files);
  sel.follow = std::move(follow);
  return sbk_tools::read_inputs(
      program, sel,
      [&](const sebekd_format::StreamRecord& r) {
        sink(activity_from_sebek(r, host ? *host : hosts.intern_ipv4(r.src_ip)));
      },
      hooks);
}

int read_pcap(std::string_view program, const std::string& path, HostTable& hosts,
              const ActivitySink& sink, const sbk_tools::InputHooks& hooks) {
  try {
    auto reader = sebekd_format::PcapReader::open_file(path, sebekd_format::kDefaultPort);
    reader.run([&](const timeval& ts, std::uint32_t, const sebekd_format::FrameInfo& f) {
      if (f.verdict != sebekd_format::FrameVerdict::Accepted) return;
      sebekd_format::StreamRecord r;
      r.pcap_sec = static_cast<std::uint32_t>(ts.tv_sec);
      r.pcap_usec = static_cast<std::uint32_t>(ts.tv_usec);
      r.src_ip = f.src_ip;
      r.header = f.header;
      r.data = f.data;
      sink(activity_from_sebek(r, hosts.intern_ipv4(r.src_ip)));
    });
  } catch (const sebekd_format::PcapError& e) {
    return fail(program, path + ": " + e.what(), hooks);
  }
  return 0;
}

int read_native(std::string_view program, const std::string& path, std::uint32_t host,
                const ActivitySink& sink, const sbk_tools::InputHooks& hooks) {
  xebekd::NativeScan scan;
  try {
    scan = xebekd::scan_native_log(path);
  } catch (const xebekd::NativeLogError& e) {
    return fail(program, e.what(), hooks);
  }
  if (!scan.exists) return fail(program, path + ": cannot be read", hooks);
  for (const xebekd::NativeEntry& e : scan.entries)
    sink(activity_from_native(e, host));
  if (scan.valid_end != scan.file_size)
    return fail(program,
                path + ": byte offset " + std::to_string(scan.valid_end) +
                    ": damaged or incomplete native log entry",
                hooks);
  return 0;
}

int read_directory(std::string_view program, const std::string& dir, HostTable& hosts,
                   const ActivitySink& sink, const sbk_tools::InputHooks& hooks) {
  InputKind kind = InputKind::Directory;
  const std::vector<std::string> files = domain_log_files(dir, kind);
  if (files.empty())
    return fail(program, dir + ": no native.xnl or sebek.sbk in this directory", hooks);
  const std::uint32_t host = hosts.intern(host_of_directory(dir));
  if (kind == InputKind::Stream) return read_stream_files(program, files, host, hosts, sink, hooks);
  for (const std::string& f : files)
    if (int rc = read_native(program, f, host, sink, hooks)) return rc;
  return 0;
}

}  // namespace

InputKind classify_input(const std::string& path) {
  std::error_code ec;
  if (path != "-" && fs::is_directory(path, ec)) return InputKind::Directory;
  if (path == "-") return InputKind::Stream;
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[4] = {};
  if (!in.read(reinterpret_cast<char*>(magic), 4)) return InputKind::Stream;
  if (is_pcap_magic(magic)) return InputKind::Pcap;
  if (std::memcmp(magic, "XNL1", 4) == 0) return InputKind::NativeLog;
  return InputKind::Stream;
}

std::vector<std::string> domain_log_files(const std::string& dir, InputKind& kind) {
  std::vector<std::string> files = generations(dir, "native", "xnl");
  kind = InputKind::NativeLog;
  if (!files.empty()) return files;
  kind = InputKind::Stream;
  return generations(dir, "sebek", "sbk");
}

int read_activity(std::string_view program, const ActivityInputs& inputs, HostTable& hosts,
                  const ActivitySink& sink, const sbk_tools::InputHooks& hooks) {
  if (!inputs.follow.empty()) {
    std::error_code ec;
    std::optional<std::uint32_t> host;
    if (fs::is_directory(inputs.follow, ec)) host = hosts.intern(host_of_directory(inputs.follow));
    return read_stream_files(program, {}, host, hosts, sink, hooks, inputs.follow);
  }
  std::vector<std::string> paths = inputs.paths;
  if (paths.empty()) paths.push_back("-");
  for (const std::string& path : paths) {
    int rc = 0;
    switch (classify_input(path)) {
      case InputKind::Directory: rc = read_directory(program, path, hosts, sink, hooks); break;
      case InputKind::Pcap: rc = read_pcap(program, path, hosts, sink, hooks); break;
      case InputKind::NativeLog:
        rc = read_native(program, path, hosts.intern(host_of_directory(
                                             fs::path(path).parent_path().string())),
                         sink, hooks);
        break;
      case InputKind::Stream:
        rc = read_stream_files(program, {path}, std::nullopt, hosts, sink, hooks);
        break;
    }
    if (rc) return rc;
  }
  return 0;
}

}  // namespace xebek_tools
