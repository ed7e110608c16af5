// The registry entry of a simulated domain (the xenstore stand-in): one
// small key=value file per domain. Written by the domain process, read by
// Dom0, hence parsed strictly and bounded like anything from a guest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace xebek0::sim {

struct Entry {
  uint32_t id = 0;
  int32_t pid = 0;
  std::string shm;     // POSIX shm name, "/..."
  unsigned order = 0;
  unsigned version = 0;
  int32_t evtchn = -1; // guest -> Dom0 eventfd, fd number in pid
  int32_t ctlchn = -1; // Dom0 -> guest eventfd, fd number in pid
  std::optional<std::string> ip;
};

// [A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}: safe as a file name component.
bool valid_name(const std::string& name);

std::filesystem::path entry_path(const std::filesystem::path& reg, const std::string& name);
std::filesystem::path control_path(const std::filesystem::path& reg, const std::string& name);

// Parses an entry; on failure returns nullopt and sets *why to one line.
std::optional<Entry> parse_entry(const std::string& text, std::string* why);
std::string format_entry(const Entry& e);

// Reads at most max_bytes of a file; nullopt if missing or larger.
std::optional<std::string> read_small_file(const std::filesystem::path& p, size_t max_bytes);
// Writes a file atomically (temporary file in the same directory, rename).
// Throws TransportError.
void write_file_atomically(const std::filesystem::path& p, const std::string& text);

}  // namespace xebek0::sim
