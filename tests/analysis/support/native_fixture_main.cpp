// analysis-native-fixture DIR: writes the native fixture domain log into DIR
// (for the report's browser test).
#include <cstdio>
#include <exception>

#include "native_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: analysis-native-fixture DIR\n");
    return 2;
  }
  try {
    xebek_test::write_native_fixture(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "analysis-native-fixture: %s\n", e.what());
    return 1;
  }
  return 0;
}
