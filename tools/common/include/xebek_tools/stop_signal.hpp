// SIGINT and SIGTERM end a follow (-F) cleanly: the tool stops reading,
// writes what it has and exits 0.
#pragma once

namespace xebek_tools {

void install_stop_handlers();
bool stop_requested();

}  // namespace xebek_tools
