#include "xebekd/prometheus_text.hpp"

#include <cstdio>

namespace xebekd {

std::string escape_label_value(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else if (b < 0x20 || b >= 0x7f) out += '?';
    else out += c;
  }
  return out;
}

void append_family_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void append_sample(std::string& out, std::string_view name, const std::vector<PrometheusLabel>& labels,
                   std::string_view value) {
  out.append(name);
  if (!labels.empty()) {
    out += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i) out += ',';
      out.append(labels[i].name).append("=\"").append(escape_label_value(labels[i].value)).append("\"");
    }
    out += '}';
  }
  out.append(" ").append(value).append("\n");
}

std::string milliseconds_as_seconds(std::uint64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%03llu", static_cast<unsigned long long>(ms / 1000),
                static_cast<unsigned long long>(ms % 1000));
  return buf;
}

}  // namespace xebekd
