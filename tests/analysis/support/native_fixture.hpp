// A xebekd domain log directory written by xebekd's own DomainLogs, for the
// analysis tools' tests: a shell on tty inode 77 (pid 299) is typed
// "ls -la /tmp", forks 300 which executes /bin/ls with that argv and prints
// its listing, then "exit" is typed. Ring instance kFixtureInstance.
#pragma once

#include <cstdint>
#include <string>

namespace xebek_test {

inline constexpr std::uint64_t kFixtureInstance = 0x1122334455667788ull;
inline constexpr std::uint64_t kFixtureStartNs = 1'750'000'000'000'000'000ull;

// Creates DIR (a domain's directory) and its logs; throws on failure.
void write_native_fixture(const std::string& dir);

}  // namespace xebek_test
