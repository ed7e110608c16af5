// The report's index.html: the session list with a player per session, the
// process tree with each process linked to its files, connections and
// session, and the timeline. Self-contained: the player's script and
// stylesheet and every cast are inside the page, so it opens from file://
// with no server and no network.
#pragma once

#include <map>
#include <string>

#include "timeline.hpp"
#include "xebek_tools/capture_model.hpp"

namespace xebek_report {

struct PageInputs {
  const xebek_tools::CaptureModel& model;
  const Timeline& timeline;
  // Cast text by session id (what the page embeds); a session missing here
  // is listed with a note instead of a player.
  const std::map<std::string, std::string>& casts;
  double idle_time_limit = 0;  // 0: none
};

std::string report_page(const PageInputs& in);

}  // namespace xebek_report
