// Helpers shared by the format and conformance tests: files, temporary
// directories, running a program with its output captured, and the golden
// records.tsv tables of the conformance vectors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xebek_test {

using Bytes = std::vector<std::uint8_t>;

// Directory of the golden vectors (env XEBEK_VECTORS, set by ctest).
// Throws std::runtime_error when unset so that the test fails loudly.
std::string vectors_dir();
// Value of a required environment variable; throws when unset.
std::string require_env(const char* name);

Bytes read_bytes(const std::string& path);  // throws when unreadable
std::string read_text(const std::string& path);
void write_bytes(const std::string& path, const Bytes& bytes);

// Full path of `name` on PATH, or nullopt.
std::optional<std::string> find_program(const std::string& name);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct ProcessResult {
  bool exited = false;  // false: killed by a signal
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;  // killed after the time limit
  Bytes out;
  std::string err;
};

// Runs argv[0] (a path) with the given arguments in `cwd` (if not empty),
// stdin from /dev/null, stdout and stderr captured. A program still running
// after `limit_seconds` is killed, so a hang fails the test instead of
// stalling it.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = {},
                          const std::map<std::string, std::string>& env = {},
                          int limit_seconds = 60);

// Splits text into lines (without the newline); a final line without a
// newline is kept.
std::vector<std::string> split_lines(const std::string& text);
std::vector<std::string> split_tabs(const std::string& line);

// One table with a header row and tab-separated rows (records.tsv,
// tshark_fields.tsv), cells addressed by column name.
struct Tsv {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::size_t column(const std::string& name) const;  // throws if absent
  const std::string& at(std::size_t row, const std::string& name) const {
    return rows.at(row).at(column(name));
  }
};
Tsv read_tsv(const std::string& path);

// Hex text ("0a1b") of bytes and back.
std::string to_hex(const std::uint8_t* p, std::size_t n);
Bytes from_hex(const std::string& hex);

}  // namespace xebek_test
