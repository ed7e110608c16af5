#include "xebek_tools/typed_lines.hpp"

#include "xebek_tools/json_text.hpp"

namespace xebek_tools {

void TypedLines::feed(std::span<const std::uint8_t> bytes, std::vector<std::string>& done) {
  for (std::uint8_t b : bytes) on_byte(b, done);
}

void TypedLines::erase_last_character() {
  // Drop UTF-8 continuation bytes together with their lead byte.
  while (!line_.empty() && (static_cast<unsigned char>(line_.back()) & 0xc0) == 0x80)
    line_.pop_back();
  if (!line_.empty()) line_.pop_back();
}

void TypedLines::on_byte(std::uint8_t b, std::vector<std::string>& done) {
  switch (escape_) {
    case Escape::Start:
      escape_ = b == '[' ? Escape::Csi : b == 'O' ? Escape::Ss3 : Escape::None;
      return;  // any other byte after ESC is Alt+key: dropped with the ESC
    case Escape::Csi:
      if (b >= 0x40 && b <= 0x7e) escape_ = Escape::None;
      return;
    case Escape::Ss3:
      escape_ = Escape::None;
      return;
    case Escape::None: break;
  }
  switch (b) {
    case 0x1b: escape_ = Escape::Start; return;
    case '\r':
    case '\n':
      if (!line_.empty()) done.push_back(valid_utf8(line_));
      line_.clear();
      return;
    case 0x7f:
    case 0x08: erase_last_character(); return;
    case 0x15:  // ^U
    case 0x03:  // ^C
      line_.clear();
      return;
    default: break;
  }
  if (b < 0x20) return;
  if (line_.size() < kMaxTypedLine) line_ += static_cast<char>(b);
}

}  // namespace xebek_tools
