// The directory of a domain's logs under LOGDIR. Distinct domain names get
// distinct directories, and none of them is one of xebekd's own files in
// LOGDIR (xebekd_status, xebekd_lock): see the definition for the rule.
#pragma once

#include <cstdint>
#include <string>

namespace xebekd {

std::string log_dir_name(const std::string& name, std::uint32_t id);

}  // namespace xebekd
