// Writes one asciicast v2 file per terminal session into a directory, as
// the sessions are confirmed and grow. The header goes out once the
// session's first command line is complete (its title names that command),
// or when the cast's buffer fills or the input ends; until then the events
// wait in memory. Files are opened only to write a buffer out, so any number
// of sessions costs no more than one file descriptor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xebek_tools/json_text.hpp"
#include "xebek_tools/session_tracker.hpp"

namespace xebek_tools {

struct CastOptions {
  int width = 80;
  int height = 24;
  std::optional<double> idle_time_limit;  // seconds; written to the header
  // Output as the terminal showed it: a tty's default output processing
  // (ONLCR) turns each LF a program writes into CR LF, and the capture
  // holds what the program wrote. False keeps the bytes as captured.
  bool terminal_newlines = true;
};

// The header's title: "HOST tty:INODE uid:U1,U2 FIRST-COMMAND".
std::string cast_title(const std::string& host, const Session& s);

class CastDirectory : public SessionListener {
 public:
  CastDirectory(std::string dir, CastOptions options, const HostTable& hosts)
      : dir_(std::move(dir)), options_(options), hosts_(hosts) {}

  void on_session(const Session& s) override;
  void on_event(const TerminalEvent& e) override;
  void on_command(const Session& s, const std::string& command) override;

  // Writes every buffer out. A cast still waiting for its first command
  // keeps waiting unless `final` (the input has ended). Returns false and
  // sets `error` on the first file that cannot be written.
  bool flush_all(bool final);
  const std::string& error() const { return error_; }
  std::string file_name(const Session& s) const { return s.id + ".cast"; }

 private:
  struct Cast {
    const Session* session = nullptr;  // the tracker's sessions never move (a deque)
    std::string path;
    bool header_written = false;
    bool file_created = false;
    std::uint64_t base_ns = 0;  // time of the first event: t = 0
    std::uint64_t last_ns = 0;  // events never go back in time
    bool has_events = false;
    std::string buffer;
    Utf8Carry carry_in, carry_out;
    bool output_ended_in_cr = false;
  };
  Cast& cast_of(const Session& s);
  void write_header(Cast& c);
  void append_output(Cast& c, std::span<const std::uint8_t> data);
  bool write_out(Cast& c);

  std::string dir_;
  CastOptions options_;
  const HostTable& hosts_;
  std::vector<Cast> casts_;       // by session number - 1
  std::string error_;
};

}  // namespace xebek_tools
