#include "xebek_tools/capture_model.hpp"

#include <cstdio>

namespace xebek_tools {

ActivityInputs activity_inputs(const sbk_tools::InputSelection& selection) {
  ActivityInputs in;
  in.paths = selection.files;
  in.follow = selection.follow;
  return in;
}

int read_into(std::string_view program, const sbk_tools::InputSelection& selection,
              CaptureModel& model, const sbk_tools::InputHooks& hooks) {
  const int status = read_activity(program, activity_inputs(selection), model.hosts,
                                   [&](const Activity& a) { model.add(a); }, hooks);
  model.processes.link_parents();
  report_limits(program, model);
  return status;
}

void report_limits(std::string_view program, const CaptureModel& model) {
  if (model.processes.limit_reached())
    std::fprintf(stderr, "%.*s: more than %zu processes: later ones are left out\n",
                 static_cast<int>(program.size()), program.data(), kMaxProcesses);
}

}  // namespace xebek_tools
