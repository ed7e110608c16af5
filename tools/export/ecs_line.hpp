// One activity as one line of JSON with Elastic Common Schema field names
// (nested objects, as Filebeat and Vector decode them): @timestamp, event.*,
// host.name, process.* (entity_id as every tool derives it, parent, name,
// args from the last exec seen, io for terminal bytes), user.id, file.*,
// source.*/destination.*/network.* for socket calls. What ECS has no field
// for (fd, session, loss count) goes under "xebek".
#pragma once

#include <string>

#include "xebek_tools/capture_model.hpp"

namespace xebek_export {

void append_ecs_line(std::string& out, const xebek_tools::CaptureModel& model,
                     const xebek_tools::Activity& a, std::int64_t process);

}  // namespace xebek_export
