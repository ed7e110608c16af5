// Sebek records and native log events turned into Activity. Both keep the
// data span of their source: the Activity is valid while the record is.
#pragma once

#include <cstdint>

#include "sebekd_format/stream.hpp"
#include "xebek_tools/activity.hpp"
#include "xebekd/native_log.hpp"

namespace xebek_tools {

// A zero-length read on fd 0 with inode 0 is Sebek's fork marker (the
// child's first record, ppid = the parent); an empty read elsewhere is an
// ordinary read. Types Sebek does not define become Action::Unknown.
Activity activity_from_sebek(const sebekd_format::StreamRecord& r, std::uint32_t host);

Activity activity_from_native(const xebekd::NativeEntry& e, std::uint32_t host);

}  // namespace xebek_tools
