// Runs a tool as a child process with given stdin bytes and collects its
// stdout, stderr and exit status, so that tests check the real binaries.
#pragma once

#include <string>
#include <vector>

namespace xebek_test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {});

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);

// The golden vectors directory (XEBEK_VECTORS from CTest).
std::string vectors_dir();

}  // namespace xebek_test
