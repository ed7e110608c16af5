// JSON text for the tools' outputs (asciicast, tree, index, ECS): strings
// escaped per RFC 8259, and captured bytes turned into valid UTF-8. Captured
// bytes may be any binary; asciicast and JSON need Unicode text, so invalid
// bytes become U+FFFD, and a multi-byte character cut across two records is
// kept whole by carrying its first bytes over to the next record.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace xebek_tools {

// Appends `text` (taken as UTF-8; invalid bytes replaced) as a JSON string
// with its quotes.
void append_json_string(std::string& out, std::string_view text);

// Bytes of one stream (a terminal's output, say) arriving in pieces.
class Utf8Carry {
 public:
  // Appends the JSON string (quotes included) of the complete characters of
  // carried + bytes; keeps the bytes of a character still incomplete.
  void append_json(std::string& out, std::span<const std::uint8_t> bytes);
  // The same as plain UTF-8 text (no quoting), for asciinema-like checks.
  void append_text(std::string& out, std::span<const std::uint8_t> bytes);
  bool empty() const { return carry_.empty(); }

 private:
  std::string take_complete(std::span<const std::uint8_t> bytes);
  std::string carry_;
};

// Replaces invalid UTF-8 in `bytes` with U+FFFD (an incomplete tail too).
std::string valid_utf8(std::string_view bytes);

// "2023-11-14T22:13:20.107400Z" (microseconds, UTC).
std::string iso8601(std::uint64_t time_ns);
// "2023-11-14 22:13:20.107400" (UTC), for text outputs.
std::string readable_time(std::uint64_t time_ns);

}  // namespace xebek_tools
