// The list of a model's terminal sessions, as text (a header row and one
// tab-separated row per session) or as one JSON document. Each row names the
// session's cast file and its first process's entity id.
#pragma once

#include <string>

#include "xebek_tools/capture_model.hpp"

namespace xebek_tools {

void append_index_text(std::string& out, const CaptureModel& model);
void append_index_json(std::string& out, const CaptureModel& model);

// One session as a JSON object (also used by the report).
void append_session_json(std::string& out, const CaptureModel& model, const Session& s);

}  // namespace xebek_tools
