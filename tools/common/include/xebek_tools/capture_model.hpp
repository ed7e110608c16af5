// Everything the analysis tools derive from a capture, built record by
// record: hosts, processes (the tree) and terminal sessions. Each tool reads
// its inputs into one model and prints its own view of it, so that entity
// ids and session ids are the same in every tool's output.
#pragma once

#include <cstdint>
#include <string_view>

#include "sbk_tools/input_options.hpp"
#include "xebek_tools/activity_reader.hpp"
#include "xebek_tools/host_table.hpp"
#include "xebek_tools/process_table.hpp"
#include "xebek_tools/session_tracker.hpp"

namespace xebek_tools {

struct CaptureModel {
  CaptureModel() : processes(hosts), sessions(processes, hosts, nullptr) {}
  CaptureModel(const CaptureModel&) = delete;
  CaptureModel& operator=(const CaptureModel&) = delete;

  // Adds one activity; returns its process index (kNone for losses).
  std::int64_t add(const Activity& a) {
    ++records;
    if (a.action == Action::Loss) lost += a.lost;
    if (a.action == Action::Unknown) ++unknown;
    const std::int64_t p = processes.observe(a);
    sessions.observe(a, p);
    return p;
  }

  HostTable hosts;
  ProcessTable processes;
  SessionTracker sessions;
  std::uint64_t records = 0, lost = 0, unknown = 0;
};

// The inputs a tool's shared command line selected (FILE... or -F DIR).
ActivityInputs activity_inputs(const sbk_tools::InputSelection& selection);

// Reads the selected inputs into `model`; hooks as for read_activity.
// Returns read_activity's status.
int read_into(std::string_view program, const sbk_tools::InputSelection& selection,
              CaptureModel& model, const sbk_tools::InputHooks& hooks = {});

// Prints the one-line note of a model that hit the process limit.
void report_limits(std::string_view program, const CaptureModel& model);

}  // namespace xebek_tools
