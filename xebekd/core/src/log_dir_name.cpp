#include "xebekd/log_dir_name.hpp"

#include <cstdio>

namespace xebekd {
namespace {

bool keep(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// FNV-1a: only tells long names apart that share a prefix; the directory
// lock still keeps two domains out of one directory should two collide.
std::uint64_t name_hash(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

// Letters, digits, '-' and '.' stay; every other byte, and a leading '.',
// becomes "_xx" (lowercase hex). That is one-to-one (an '_' in a name is
// escaped too), keeps "." and ".." out, and never yields xebekd's own
// names in the log directory, which contain '_' before a non-hex letter
// (xebekd_status, xebekd_lock). An empty name is "_id<domid>"; a name
// whose escaped form would pass 200 bytes keeps 160 of them plus "_h" and
// a hash of the whole name.
std::string log_dir_name(const std::string& name, std::uint32_t id) {
  if (name.empty()) return "_id" + std::to_string(id);
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (keep(c) && !(i == 0 && c == '.')) {
      out += c;
    } else {
      char esc[4];
      std::snprintf(esc, sizeof esc, "_%02x", static_cast<unsigned char>(c));
      out += esc;
    }
  }
  if (out.size() > 200) {
    std::size_t cut = 160;
    // Never cut an escape in half.
    while (cut > 0 && (out[cut - 1] == '_' || (cut > 1 && out[cut - 2] == '_'))) --cut;
    char tail[24];
    std::snprintf(tail, sizeof tail, "_h%016llx", static_cast<unsigned long long>(name_hash(name)));
    out = out.substr(0, cut) + tail;
  }
  return out;
}

}  // namespace xebekd
