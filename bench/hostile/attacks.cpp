#include "attacks.hpp"

#include "guest_records.hpp"

#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace bench {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path entry_path(const fs::path& registry, const simdomu::SimDomain& dom) {
  return registry / (dom.config().name + ".domain");
}

// The guest -> Dom0 eventfd as the domain announced it: in this process,
// so writing it is what a guest hammering its event channel does.
int announced_event_fd(const std::string& entry) {
  const auto at = entry.find("evtchn=");
  if (at == std::string::npos) throw std::runtime_error("registry entry without evtchn");
  return std::stoi(entry.substr(at + 7));
}

AttackCounts notify_storm(const fs::path& entry, const std::atomic<bool>& stop) {
  const int fd = announced_event_fd(read_text(entry));
  AttackCounts c;
  const std::uint64_t one = 1;
  while (!stop.load(std::memory_order_relaxed))
    if (::write(fd, &one, sizeof one) == sizeof one) ++c.ops;
  return c;
}

AttackCounts watch_storm(const fs::path& entry, const std::atomic<bool>& stop) {
  // Replaced the way a domain announces itself (temporary file, rename),
  // so every round is one complete, unchanged announcement.
  const std::string text = read_text(entry);
  const std::string tmp = entry.string() + ".tmp." + std::to_string(::getpid());
  AttackCounts c;
  while (!stop.load(std::memory_order_relaxed)) {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp);
    const bool whole = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (whole && ::rename(tmp.c_str(), entry.c_str()) == 0) ++c.ops;
  }
  return c;
}

// Produces reads of `size` bytes as fast as the ring takes them; when it
// refuses one, sleeps `pause` (zero: tries again at once).
AttackCounts produce_reads(simdomu::SimDomain& dom, std::size_t size, std::chrono::microseconds pause,
                           const std::atomic<bool>& stop) {
  const std::vector<std::uint8_t> payload(size, 'A');
  const xebek_rec r = read_record(4242, 3, "dd", size);
  AttackCounts c;
  while (!stop.load(std::memory_order_relaxed)) {
    if (dom.produce(r, payload)) {
      ++c.ops;
      continue;
    }
    ++c.refused;
    if (pause.count()) std::this_thread::sleep_for(pause);
  }
  return c;
}

}  // namespace

const char* attack_name(Attack a) {
  switch (a) {
    case Attack::None: return "no attacker";
    case Attack::NotifyStorm: return "notify storm";
    case Attack::WatchStorm: return "watch storm";
    case Attack::QuotaFlood: return "flood into quota";
    case Attack::FullRing: return "full ring";
  }
  return "?";
}

AttackCounts run_attack(Attack a, simdomu::SimDomain& dom, const fs::path& registry, const std::atomic<bool>& stop) {
  switch (a) {
    case Attack::None: return {};
    case Attack::NotifyStorm: return notify_storm(entry_path(registry, dom), stop);
    case Attack::WatchStorm: return watch_storm(entry_path(registry, dom), stop);
    case Attack::QuotaFlood: return produce_reads(dom, 1024, std::chrono::microseconds(0), stop);
    // Refilled until refused, then again a millisecond later: xebekd
    // finds the ring full every time it looks.
    case Attack::FullRing: return produce_reads(dom, 4096, std::chrono::milliseconds(1), stop);
  }
  return {};
}

}  // namespace bench
