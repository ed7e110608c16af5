#include "xebek0/control_mode.hpp"

#include "xebek/ring.h"

#include <sstream>
#include <stdexcept>
#include <utility>

namespace xebek0 {
namespace {

constexpr std::pair<const char*, std::uint32_t> kModes[] = {
    {"keystrokes", XEBEK_CTL_KEYSTROKES}, {"reads", XEBEK_CTL_READS},
    {"writes", XEBEK_CTL_WRITES},         {"sockets", XEBEK_CTL_SOCKETS},
    {"opens", XEBEK_CTL_OPENS},           {"exec", XEBEK_CTL_EXEC},
    {"fork", XEBEK_CTL_FORK},
};

}  // namespace

std::uint32_t parse_mode(const std::string& text) {
  std::uint32_t bits = 0;
  std::stringstream in(text);
  std::string word;
  bool any = false;
  while (std::getline(in, word, ',')) {
    any = true;
    if (word == "all") { bits |= XEBEK_CTL_ALL_MODES; continue; }
    if (word == "none") continue;
    if (word == "sebek") { bits |= XEBEK_CTL_DEFAULT & XEBEK_CTL_ALL_MODES; continue; }
    bool found = false;
    for (const auto& [name, bit] : kModes)
      if (word == name) { bits |= bit; found = true; }
    if (!found)
      throw std::invalid_argument(
          "unknown capture mode \"" + word +
          "\" (use keystrokes, reads, writes, sockets, opens, exec, fork, all, sebek, none)");
  }
  if (!any) throw std::invalid_argument("empty capture mode");
  return bits;
}

std::string mode_to_string(std::uint32_t control) {
  std::string out;
  for (const auto& [name, bit] : kModes) {
    if (!(control & bit)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace xebek0
