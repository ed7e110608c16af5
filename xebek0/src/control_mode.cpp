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
    {"tty-in", XEBEK_CTL_TTY_IN},         {"tty-out", XEBEK_CTL_TTY_OUT},
    {"sebek-keystrokes", XEBEK_CTL_SEBEK_KEYS},
    {"success-only", XEBEK_CTL_SUCCESS_ONLY},
};
// Sets of modes by one name: what a guest does by default, and Sebek's
// own defaults (keystrokes, sockets, opens, fork) for operators who want
// the data Sebek gave them.
constexpr std::pair<const char*, std::uint32_t> kSets[] = {
    {"all", XEBEK_CTL_ALL_MODES},
    {"default", XEBEK_CTL_DEFAULT & XEBEK_CTL_ALL_MODES},
    {"sebek", XEBEK_CTL_DEFAULT_V1 & XEBEK_CTL_ALL_MODES},
    {"none", 0},
};

bool lookup(const std::string& word, std::uint32_t& bits) {
  for (const auto& [name, bit] : kSets)
    if (word == name) return bits |= bit, true;
  for (const auto& [name, bit] : kModes)
    if (word == name) return bits |= bit, true;
  return false;
}

}  // namespace

std::uint32_t parse_mode(const std::string& text) {
  std::uint32_t bits = 0;
  std::stringstream in(text);
  std::string word;
  bool any = false;
  while (std::getline(in, word, ',')) {
    any = true;
    if (!lookup(word, bits))
      throw std::invalid_argument("unknown capture mode \"" + word +
                                  "\" (use keystrokes, tty-in, tty-out, reads, writes, sockets, opens, "
                                  "exec, fork, sebek-keystrokes, success-only, default, sebek, all, "
                                  "none)");
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
