// The process tree of a model per host, as indented text or as one JSON
// document: {"hosts": [{"host": H, "processes": [NODE...]}]} where a NODE
// holds the process's fields and its "children" (nested NODEs).
#pragma once

#include <string>

#include "xebek_tools/capture_model.hpp"

namespace xebek_tools {

void append_tree_text(std::string& out, const CaptureModel& model);
void append_tree_json(std::string& out, const CaptureModel& model);

// The roots of each host's tree, hosts in order of first appearance.
std::vector<std::vector<std::size_t>> tree_roots(const CaptureModel& model);

// One process without its children, as a JSON object's members (no braces),
// for the tree and the report.
void append_process_fields_json(std::string& out, const CaptureModel& model, std::size_t index);

}  // namespace xebek_tools
