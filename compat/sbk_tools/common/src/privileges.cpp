#include "sbk_tools/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sbk_tools {

std::string drop_privileges(const std::string& chroot_dir, const std::string& user) {
  if (!chroot_dir.empty() && (::chroot(chroot_dir.c_str()) != 0 || ::chdir("/") != 0))
    return "cannot chroot to " + chroot_dir + ": " + std::strerror(errno);
  if (user.empty()) return {};
  const passwd* pw = ::getpwnam(user.c_str());
  if (!pw) return "unknown user " + user;
  if (::initgroups(pw->pw_name, pw->pw_gid) != 0 || ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0)
    return "cannot switch to user " + user + ": " + std::strerror(errno);
  return {};
}

}  // namespace sbk_tools
