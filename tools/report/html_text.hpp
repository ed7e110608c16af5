// Text placed into the report's HTML: escaped for element content and
// attribute values, and JSON made safe inside a <script> element.
#pragma once

#include <string>
#include <string_view>

namespace xebek_report {

// Escapes & < > " ' (captured text is first made valid UTF-8).
void append_html(std::string& out, std::string_view text);
std::string html(std::string_view text);

// JSON text with every '<' written as \u003c, so that no "</script>" in a
// captured byte stream can end the element that holds it.
std::string script_safe_json(std::string_view json);

}  // namespace xebek_report
