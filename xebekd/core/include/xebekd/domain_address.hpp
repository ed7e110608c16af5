// Which IPv4 address a domain's Sebek records carry as their source. Order:
// the configuration (--domain-ip NAME=ADDR, by name or numeric domain id),
// else what the transport knows (under Xen the domain's vif "ip"), else the
// default address (0.0.0.0 unless --default-ip says otherwise) with a
// warning, since legacy tools key everything on that address.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xebekd {

struct AddressChoice {
  std::uint32_t addr = 0;
  enum class Source { Config, Transport, Default } source = Source::Default;
};

class DomainAddressMap {
 public:
  // Parses "NAME=ADDR" entries; throws std::invalid_argument with a one-line
  // message naming the bad entry.
  void add_entries(const std::vector<std::string>& entries);
  void set_default(std::uint32_t addr) { default_ = addr; }

  AddressChoice choose(const std::string& name, std::uint32_t domid,
                       const std::optional<std::string>& transport_ip) const;
  std::size_t size() const { return by_key_.size(); }

 private:
  std::map<std::string, std::uint32_t> by_key_;
  std::uint32_t default_ = 0;
};

const char* to_string(AddressChoice::Source s);

}  // namespace xebekd
