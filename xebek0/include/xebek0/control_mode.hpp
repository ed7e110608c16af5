// Capture modes as words, for command lines, the config file and status:
// "keystrokes,writes,sockets" <-> XEBEK_CTL_* bits. "all" is every mode,
// "sebek" is the Sebek client's defaults (keystrokes only + sockets) plus
// opens and process creation (the guest's own default), "none" no mode.
#pragma once

#include <cstdint>
#include <string>

namespace xebek0 {

// Throws std::invalid_argument naming the unknown word.
std::uint32_t parse_mode(const std::string& text);
// Mode bits only (without XEBEK_CTL_ENABLE), comma-separated, or "none".
std::string mode_to_string(std::uint32_t control);

}  // namespace xebek0
