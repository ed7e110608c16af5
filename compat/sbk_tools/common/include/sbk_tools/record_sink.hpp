// The types every input of the tools shares: who receives the records, how a
// bad input is described, and the hooks a live follow (-F) calls.
#pragma once

#include <functional>
#include <string>

#include "sebekd_format/stream.hpp"

namespace sbk_tools {

// Receives each record in stream order. The record's data span is valid only
// during the call.
using RecordSink = std::function<void(const sebekd_format::StreamRecord&)>;

// Why an input could not be read to its end: `source` names it ("-" for
// stdin, a file path, or the followed log), `error` says where and why.
struct InputError {
  std::string source;
  sebekd_format::StreamError error;
  // "SOURCE: byte offset N: reason"
  std::string message() const { return source + ": " + error.message(); }
};

struct InputHooks {
  // Called when no more input is available for now (before waiting while
  // following a live log): the place to flush output for a live reader.
  std::function<void()> on_idle;
  // Polled while waiting for a live log to grow; true ends the follow
  // cleanly (a signal handler, or a test).
  std::function<bool()> should_stop;
};

}  // namespace sbk_tools
