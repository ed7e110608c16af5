#include "password_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sbk_tools::upload {

std::optional<std::string> read_password_file(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "--password-file " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  if (in.bad()) {
    error = "--password-file " + path + ": read error";
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) {
    error = "--password-file " + path + ": the first line is empty";
    return std::nullopt;
  }
  return line;
}

}  // namespace sbk_tools::upload
