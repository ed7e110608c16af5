// The database password read from a file (a systemd credential, or any
// file only the operator can read), so that it is never on a command line
// where every user of the host can see it in ps.
#pragma once

#include <optional>
#include <string>

namespace sbk_tools::upload {

// The file's first line without its line end. nullopt, with `error` set to
// a one-line reason naming the file, when it cannot be read or is empty.
std::optional<std::string> read_password_file(const std::string& path, std::string& error);

}  // namespace sbk_tools::upload
