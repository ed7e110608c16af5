// How xebekd creates the files and directories that hold captured data:
// keystrokes and passwords are in there, so nothing is world-readable, an
// optional group (for example adm) may read, and no create ever follows a
// symlink that someone could have planted.
#pragma once

#include <string>

#include <sys/types.h>

namespace xebekd {

struct FileOwnership {
  mode_t file_mode = 0640;
  mode_t dir_mode = 0750;
  gid_t group = static_cast<gid_t>(-1);  // -1: the creator's group

  // Opens (creating if missing) a regular file without following a
  // symlink, and gives a newly created one its mode and group. Returns the
  // fd, or -1 with errno set (ELOOP for a symlink, EINVAL for a non-file).
  int open_file(const std::string& path, int flags) const;
  // Creates one directory level (mode, group), or accepts an existing real
  // directory; -1 with errno set otherwise (ENOTDIR for a symlink or file).
  int make_dir(const std::string& path) const;
  // Applies mode and group to an fd (files created by other libraries).
  void apply(int fd, bool directory) const;
};

// The gid of a group name; throws std::invalid_argument naming it.
gid_t parse_group(const std::string& name);

}  // namespace xebekd
