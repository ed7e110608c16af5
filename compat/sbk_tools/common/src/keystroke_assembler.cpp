#include "sbk_tools/keystroke_assembler.hpp"

#include <algorithm>
#include <cstring>

#include "sbk_tools/perl_format.hpp"

namespace sbk_tools {

namespace {

// The original applies one substitution per key over the whole line, in
// this order; since every pattern starts with ESC and no replacement holds
// ESC or DEL, a single left-to-right pass gives the same result.
std::string_view escape_name(std::string_view rest, std::size_t& consumed) {
  struct Seq {
    std::string_view seq, name;
  };
  static constexpr Seq kSeqs[] = {
      {"[A", "[U-ARROW]"}, {"[B", "[D-ARROW]"}, {"[C", "[R-ARROW]"}, {"[D", "[L-ARROW]"},
      {"[3~", "[DEL]"},    {"[5~", "[PAGE-U]"}, {"[6~", "[PAGE-D]"},
  };
  for (const Seq& s : kSeqs) {
    if (rest.starts_with(s.seq)) {
      consumed = s.seq.size();
      return s.name;
    }
  }
  consumed = 0;
  return "[ESC]";
}

template <class T>
void insert_sorted_unique(std::vector<T>& v, const T& value) {
  auto it = std::lower_bound(v.begin(), v.end(), value);
  if (it == v.end() || *it != value) v.insert(it, value);
}

bool ends_line(std::span<const std::uint8_t> data) {
  for (std::uint8_t c : data)
    if (c == '\n' || c == '\r') return true;
  return false;
}

}  // namespace

void append_mapped_keystrokes(std::string& out, std::string_view raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == 0x1b) {
      std::size_t consumed = 0;
      out.append(escape_name(raw.substr(i + 1), consumed));
      i += consumed;
    } else if (c == 0x7f) {
      out.append("[BS]");
    } else if (c >= 0x20 && c <= 0x7e) {
      out.push_back(static_cast<char>(c));
    }
  }
}

std::size_t KeystrokeAssembler::KeyHash::operator()(const Key& k) const noexcept {
  std::uint64_t h = (std::uint64_t{k.ip} << 32 | k.pid) * 0x9e3779b97f4a7c15ULL;
  h ^= (std::uint64_t{k.inode} << 32 | k.fd) * 0xc2b2ae3d27d4eb4fULL;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

bool KeystrokeAssembler::add(const sebekd_format::StreamRecord& r, std::string_view comm,
                             KeystrokeLine& line) {
  const Key key{r.src_ip, r.header.pid, r.header.inode, r.header.fd};
  Pending& p = pending_[key];
  p.data.append(reinterpret_cast<const char*>(r.data.data()), r.data.size());
  insert_sorted_unique(p.uids, r.header.uid);
  insert_sorted_unique(p.coms, std::string(comm));
  if (!ends_line(r.data)) return false;

  line.text.clear();
  append_mapped_keystrokes(line.text, p.data);
  line.uids.clear();
  for (std::size_t i = 0; i < p.uids.size(); ++i) {
    if (i) line.uids.push_back('/');
    append_uint(line.uids, p.uids[i]);
  }
  line.coms.clear();
  for (std::size_t i = 0; i < p.coms.size(); ++i) {
    if (i) line.coms.push_back('/');
    line.coms.append(p.coms[i]);
  }
  pending_.erase(key);
  return true;
}

}  // namespace sbk_tools
