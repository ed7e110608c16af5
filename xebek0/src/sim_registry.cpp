// Registry entries of simulated domains: strict parsing and atomic writes.
#include "xebek0/sim_registry.hpp"

#include "xebek/ring.h"
#include "xebek0/transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <sstream>

namespace xebek0::sim {
namespace {

template <typename T>
bool parse_number(const std::string& s, T* out, int base = 10) {
  if (s.empty() || s.size() > 20) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool valid_ipv4_text(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  return s.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::filesystem::path entry_path(const std::filesystem::path& reg, const std::string& name) {
  return reg / (name + ".domain");
}

std::filesystem::path control_path(const std::filesystem::path& reg, const std::string& name) {
  return reg / (name + ".control");
}

std::optional<Entry> parse_entry(const std::string& text, std::string* why) {
  Entry e;
  bool have_id = false, have_pid = false, have_shm = false, have_order = false,
       have_version = false, have_evt = false, have_ctl = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      *why = "line without '='";
      return std::nullopt;
    }
    std::string key = line.substr(0, eq), val = line.substr(eq + 1);
    bool ok = true;
    if (key == "id") ok = have_id = parse_number(val, &e.id);
    else if (key == "pid") ok = have_pid = parse_number(val, &e.pid) && e.pid > 0;
    else if (key == "shm") {
      ok = have_shm = val.size() >= 2 && val.size() <= 200 && val[0] == '/' &&
                      val.find('/', 1) == std::string::npos;
      e.shm = val;
    } else if (key == "order")
      ok = have_order = parse_number(val, &e.order) && e.order <= XEBEK_RING_ORDER_MAX;
    else if (key == "version") ok = have_version = parse_number(val, &e.version);
    else if (key == "evtchn") ok = have_evt = parse_number(val, &e.evtchn) && e.evtchn >= 0;
    else if (key == "ctlchn") ok = have_ctl = parse_number(val, &e.ctlchn) && e.ctlchn >= 0;
    else if (key == "ip") {
      ok = valid_ipv4_text(val);
      e.ip = val;
    }
    // Unknown keys are ignored, as readers of xenstore do.
    if (!ok) {
      *why = "bad value for '" + key + "'";
      return std::nullopt;
    }
  }
  if (!(have_id && have_pid && have_shm && have_order && have_version && have_evt &&
        have_ctl)) {
    *why = "incomplete entry";
    return std::nullopt;
  }
  return e;
}

std::string format_entry(const Entry& e) {
  std::ostringstream out;
  out << "id=" << e.id << "\npid=" << e.pid << "\nshm=" << e.shm << "\norder=" << e.order
      << "\nversion=" << e.version << "\nevtchn=" << e.evtchn << "\nctlchn=" << e.ctlchn
      << "\n";
  if (e.ip) out << "ip=" << *e.ip << "\n";
  return out.str();
}

std::optional<std::string> read_small_file(const std::filesystem::path& p, size_t max_bytes) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  std::string buf(max_bytes + 1, '\0');
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got > max_bytes) return std::nullopt;
  buf.resize(got);
  return buf;
}

void write_file_atomically(const std::filesystem::path& p, const std::string& text) {
  std::string tmp = p.string() + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw TransportError("cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw TransportError("cannot write " + tmp + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), p.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw TransportError("cannot rename " + tmp + " to " + p.string() + ": " +
                         std::strerror(err));
  }
}

}  // namespace xebek0::sim
