// The hosts (honeypot addresses or domain names) of one run, numbered in the
// order they first appear so that per-record lookups compare integers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace xebek_tools {

class HostTable {
 public:
  std::uint32_t intern(std::string_view name);
  // A Sebek source address, remembered by value so that a record's host
  // costs one hash lookup and no formatting.
  std::uint32_t intern_ipv4(std::uint32_t host_order_addr);
  const std::string& name(std::uint32_t id) const { return names_.at(id); }
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint32_t> by_name_;
  std::unordered_map<std::uint32_t, std::uint32_t> by_ipv4_;
};

}  // namespace xebek_tools
