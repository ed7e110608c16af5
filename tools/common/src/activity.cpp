#include "xebek_tools/activity.hpp"

#include <algorithm>

namespace xebek_tools {

const char* action_name(Action a) {
  switch (a) {
    case Action::Read: return "read";
    case Action::Write: return "write";
    case Action::Open: return "open";
    case Action::Socket: return "socket";
    case Action::Fork: return "fork";
    case Action::Exec: return "exec";
    case Action::Loss: return "loss";
    case Action::Close: return "close";
    case Action::ProcVm: return "process_vm";
    case Action::Unknown: break;
  }
  return "unknown";
}

void Activity::set_comm(std::string_view name) {
  const std::size_t nul = name.find('\0');
  if (nul != std::string_view::npos) name = name.substr(0, nul);
  comm_length = static_cast<std::uint8_t>(std::min(name.size(), kCommCapacity));
  std::copy_n(name.data(), comm_length, comm_bytes.data());
}

}  // namespace xebek_tools
