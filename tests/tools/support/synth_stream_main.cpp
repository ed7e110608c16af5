// sbk-synth-stream RECORDS FILE...: writes synth_stream() of the given
// streams to stdout (for the legacy harness and manual runs).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "run_process.hpp"
#include "synth_stream.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sbk-synth-stream RECORDS FILE...\n");
    return 2;
  }
  std::vector<std::string> base;
  for (int i = 2; i < argc; ++i) base.push_back(xebek_test::read_file(argv[i]));
  const std::string s = xebek_test::synth_stream(base, std::strtoull(argv[1], nullptr, 10));
  return std::fwrite(s.data(), 1, s.size(), stdout) == s.size() ? 0 : 1;
}
