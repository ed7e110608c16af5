#include "xebekd/file_ownership.hpp"

#include <cerrno>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xebekd {

void FileOwnership::apply(int fd, bool directory) const {
  // Failures here leave a file stricter than asked, never looser.
  (void)!::fchmod(fd, directory ? dir_mode : file_mode);
  if (group != static_cast<gid_t>(-1)) (void)!::fchown(fd, static_cast<uid_t>(-1), group);
}

int FileOwnership::open_file(const std::string& path, int flags) const {
  const int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, file_mode);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    errno = EINVAL;
    return -1;
  }
  // Also files left by an earlier run with looser modes.
  if (st.st_uid == ::geteuid()) apply(fd, false);
  return fd;
}

int FileOwnership::make_dir(const std::string& path) const {
  if (::mkdir(path.c_str(), dir_mode) != 0 && errno != EEXIST) return -1;
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) errno = ENOTDIR;
    return -1;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_uid == ::geteuid()) apply(fd, true);
  ::close(fd);
  return 0;
}

gid_t parse_group(const std::string& name) {
  std::vector<char> buf(16384);
  group g {};
  group* found = nullptr;
  if (::getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found) != 0 || !found)
    throw std::invalid_argument("unknown group \"" + name + "\"");
  return found->gr_gid;
}

}  // namespace xebekd
