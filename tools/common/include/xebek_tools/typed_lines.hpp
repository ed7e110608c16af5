// The command lines an intruder typed, rebuilt from terminal input the way
// a line editor would leave them: Backspace/DEL removes the last character,
// ^U clears the line, ^C abandons it, escape sequences (arrows, function
// keys, Alt+key) and other control characters are dropped, and CR or LF
// ends the line. Cursor movement is not replayed, so a line edited in the
// middle comes out as its characters in typing order.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace xebek_tools {

// Longest line kept (bytes); the rest of a longer line is dropped.
inline constexpr std::size_t kMaxTypedLine = 1024;

class TypedLines {
 public:
  // Feeds input bytes; appends each line they complete (non-empty ones)
  // to `done`.
  void feed(std::span<const std::uint8_t> bytes, std::vector<std::string>& done);
  const std::string& partial() const { return line_; }

 private:
  enum class Escape { None, Start, Csi, Ss3 };
  void on_byte(std::uint8_t b, std::vector<std::string>& done);
  void erase_last_character();

  std::string line_;
  Escape escape_ = Escape::None;
};

}  // namespace xebek_tools
