// The web assets the report carries inside itself, embedded at build time:
// asciinema-player's bundle (npm package asciinema-player) with its licence,
// and the report's own script and stylesheet.
#pragma once

#include <string_view>

namespace xebek_report {

extern const std::string_view kPlayerJs;
extern const std::string_view kPlayerCss;
extern const std::string_view kPlayerLicense;
extern const std::string_view kReportJs;
extern const std::string_view kReportCss;

}  // namespace xebek_report
