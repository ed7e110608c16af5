#include "xebekd/domain_address.hpp"

#include <stdexcept>

#include "sebekd_format/header.hpp"

namespace xebekd {

void DomainAddressMap::add_entries(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("invalid domain-ip \"" + entry + "\": expected NAME=A.B.C.D");
    std::uint32_t addr = 0;
    if (!sebekd_format::parse_ipv4(std::string_view(entry).substr(eq + 1), addr))
      throw std::invalid_argument("invalid domain-ip \"" + entry + "\": \"" +
                                  entry.substr(eq + 1) + "\" is not an IPv4 address");
    by_key_[entry.substr(0, eq)] = addr;
  }
}

AddressChoice DomainAddressMap::choose(const std::string& name, std::uint32_t domid,
                                       const std::optional<std::string>& transport_ip) const {
  if (auto it = by_key_.find(name); it != by_key_.end())
    return {it->second, AddressChoice::Source::Config};
  if (auto it = by_key_.find(std::to_string(domid)); it != by_key_.end())
    return {it->second, AddressChoice::Source::Config};
  std::uint32_t addr = 0;
  // The transport's address comes from the guest's side (xenstore vif
  // entries, the sim registry): taken only if it parses strictly.
  if (transport_ip && sebekd_format::parse_ipv4(*transport_ip, addr))
    return {addr, AddressChoice::Source::Transport};
  return {default_, AddressChoice::Source::Default};
}

const char* to_string(AddressChoice::Source s) {
  switch (s) {
    case AddressChoice::Source::Config: return "config";
    case AddressChoice::Source::Transport: return "transport";
    case AddressChoice::Source::Default: return "default";
  }
  return "?";
}

}  // namespace xebekd
