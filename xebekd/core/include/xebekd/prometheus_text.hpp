// The pieces of Prometheus' text exposition format (what node_exporter's
// textfile collector reads): a metric family's HELP and TYPE lines, and
// samples with escaped label values. Label values may come from a guest
// (its domain name), so they are escaped here and nowhere else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xebekd {

struct PrometheusLabel {
  std::string_view name;  // one of ours: [a-z_]+, never escaped
  std::string value;      // anything: escaped when written
};

// Backslash, double quote and newline as \\, \" and \n (the format's three
// escapes); every other control byte and every non-ASCII byte becomes '?',
// so the output is always valid UTF-8 on one line.
std::string escape_label_value(std::string_view raw);

// "# HELP name help\n# TYPE name type\n"; `help` is our own text.
void append_family_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help);

// "name{a="x",b="y"} value\n" (no braces without labels). `value` is
// already formatted as a number.
void append_sample(std::string& out, std::string_view name, const std::vector<PrometheusLabel>& labels,
                   std::string_view value);

// Milliseconds as seconds with three decimals: 1234 -> "1.234" (exact,
// unlike a double for values past 2^53).
std::string milliseconds_as_seconds(std::uint64_t ms);

}  // namespace xebekd
