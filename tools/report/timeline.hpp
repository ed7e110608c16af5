// The report's timeline: when each session started, each command line was
// typed, each process started or executed a program, each file was opened
// and each socket call made, in capture order, up to a bound.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xebek_tools/capture_model.hpp"

namespace xebek_report {

inline constexpr std::size_t kMaxTimeline = 5000;

struct TimelineEntry {
  std::uint64_t time_ns = 0;
  std::uint32_t host = 0;
  std::int64_t process = xebek_tools::kNone;
  std::string what;     // "typed", "exec", "open", "connect", ...
  std::string detail;
  std::string session;  // id, when the entry is a session's
};

class Timeline : public xebek_tools::SessionListener {
 public:
  explicit Timeline(const xebek_tools::CaptureModel& model) : model_(model) {}

  // Called for every activity after the model has taken it.
  void add_activity(const xebek_tools::Activity& a, std::int64_t process);
  void on_session(const xebek_tools::Session& s) override;
  void on_command(const xebek_tools::Session& s, const std::string& command) override;

  const std::vector<TimelineEntry>& entries() const { return entries_; }
  std::uint64_t left_out() const { return left_out_; }

 private:
  void add(TimelineEntry e);
  const xebek_tools::CaptureModel& model_;
  std::vector<TimelineEntry> entries_;
  std::uint64_t left_out_ = 0;
  std::uint64_t last_time_ns_ = 0;
};

}  // namespace xebek_report
