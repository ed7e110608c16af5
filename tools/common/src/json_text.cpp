#include "xebek_tools/json_text.hpp"

#include <ctime>

namespace xebek_tools {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence starting at s[i], 0 when invalid, or
// -1 when the bytes end inside what is so far a valid sequence.
int sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  int n = 0;
  unsigned lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;  // no surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  for (int k = 1; k < n; ++k) {
    if (i + static_cast<std::size_t>(k) >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf)) return 0;
  }
  return n;
}

// Appends the valid text of `s`; returns where an incomplete final
// sequence starts (s.size() when there is none).
std::size_t append_valid(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const int n = sequence_length(s, i);
    if (n < 0) return i;
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(s.substr(i, static_cast<std::size_t>(n)));
    i += static_cast<std::size_t>(n);
  }
  return i;
}

void append_escaped(std::string& out, std::string_view utf8) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string format_utc(std::uint64_t time_ns, const char* date_time_sep, const char* suffix) {
  const auto sec = static_cast<std::time_t>(time_ns / 1'000'000'000u);
  const auto usec = static_cast<unsigned>((time_ns % 1'000'000'000u) / 1000u);
  std::tm tm{};
  gmtime_r(&sec, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%s%02d:%02d:%02d.%06u%s", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, date_time_sep, tm.tm_hour, tm.tm_min, tm.tm_sec, usec,
                suffix);
  return buf;
}

}  // namespace

std::string valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  if (append_valid(out, bytes) != bytes.size()) out += kReplacement;
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  append_escaped(out, valid_utf8(text));
}

std::string Utf8Carry::take_complete(std::span<const std::uint8_t> bytes) {
  carry_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::string text;
  text.reserve(carry_.size());
  const std::size_t cut = append_valid(text, carry_);
  carry_.erase(0, cut);
  return text;
}

void Utf8Carry::append_json(std::string& out, std::span<const std::uint8_t> bytes) {
  append_escaped(out, take_complete(bytes));
}

void Utf8Carry::append_text(std::string& out, std::span<const std::uint8_t> bytes) {
  out += take_complete(bytes);
}

std::string iso8601(std::uint64_t time_ns) { return format_utc(time_ns, "T", "Z"); }
std::string readable_time(std::uint64_t time_ns) { return format_utc(time_ns, " ", ""); }

}  // namespace xebek_tools
