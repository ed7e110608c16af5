#include "xebek_tools/host_table.hpp"

#include "sebekd_format/header.hpp"

namespace xebek_tools {

std::uint32_t HostTable::intern(std::string_view name) {
  auto it = by_name_.find(std::string(name));
  if (it != by_name_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  by_name_.emplace(names_.back(), id);
  return id;
}

std::uint32_t HostTable::intern_ipv4(std::uint32_t addr) {
  auto it = by_ipv4_.find(addr);
  if (it != by_ipv4_.end()) return it->second;
  const std::uint32_t id = intern(sebekd_format::ipv4_to_string(addr));
  by_ipv4_.emplace(addr, id);
  return id;
}

}  // namespace xebek_tools
