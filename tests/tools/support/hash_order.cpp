#include "hash_order.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace xebek_test {

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = s.find('/', start);
    parts.push_back(s.substr(start, slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "/" : "") + parts[i];
  return s;
}

// Sorts the '/'-list between `open` and the next `close` in `line`.
void sort_field(std::string& line, const std::string& open, const std::string& close,
                bool numeric) {
  const std::size_t a = line.find(open);
  if (a == std::string::npos) return;
  const std::size_t from = a + open.size();
  const std::size_t to = line.find(close, from);
  if (to == std::string::npos) return;
  auto parts = split(line.substr(from, to - from));
  if (numeric)
    std::sort(parts.begin(), parts.end(), [](const std::string& x, const std::string& y) {
      return std::strtoull(x.c_str(), nullptr, 10) < std::strtoull(y.c_str(), nullptr, 10);
    });
  else
    std::sort(parts.begin(), parts.end());
  line.replace(from, to - from, join(parts));
}

bool is_header_line(const std::string& line) {
  std::size_t at = 0;
  if (line.starts_with("\x1b[")) {
    const std::size_t m = line.find('m');
    if (m == std::string::npos) return false;
    at = m + 1;
  }
  return line.compare(at, 1, "[") == 0 && line.find(" Host:") != std::string::npos;
}

}  // namespace

std::string sort_uid_com_lists(const std::string& text) {
  std::string result;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string line = text.substr(start, end - start);
    // Only record header lines carry the lists: "[date Host:.. UID:.. PID:..",
    // possibly after a colour escape ("\e[31m[date ...").
    if (is_header_line(line)) {
      sort_field(line, " UID:", " PID:", true);
      sort_field(line, " COM:", " ]#", false);
    }
    result += line;
    start = end;
  }
  return result;
}

}  // namespace xebek_test
