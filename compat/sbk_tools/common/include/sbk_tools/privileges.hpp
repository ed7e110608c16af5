// Giving up root once the privileged set-up is done (a capture device
// opened, a database connected): chroot first, then the user's
// supplementary groups, group and user, so that nothing of root's groups
// survives the switch.
#pragma once

#include <string>

namespace sbk_tools {

// Confines the process to `chroot_dir` and switches to `user` (either may
// be empty: skipped). Returns an empty string, or what failed as one line
// ("cannot chroot to DIR: reason", "unknown user NAME", ...).
std::string drop_privileges(const std::string& chroot_dir, const std::string& user);

}  // namespace sbk_tools
