#include "sbk_tools/tool_runner.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "sbk_tools/output_buffer.hpp"

namespace sbk_tools {

namespace {

volatile std::sig_atomic_t g_stop = 0;

void request_stop(int) { g_stop = 1; }

}  // namespace

int run_printer(std::string_view program, const InputSelection& inputs,
                const RecordPrinter& printer) {
  OutputBuffer out(STDOUT_FILENO);
  bool write_failed = false;
  if (!inputs.follow.empty()) {
    // Only a follow runs until interrupted; then it should still flush what
    // it has printed rather than die mid-buffer.
    struct sigaction sa {};
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  }
  InputHooks hooks;
  hooks.on_idle = [&] { write_failed |= !out.flush(); };
  hooks.should_stop = [] { return g_stop != 0; };
  const int status = read_inputs(
      program, inputs,
      [&](const sebekd_format::StreamRecord& r) {
        printer(r, out.text());
        if (out.text().size() >= (1u << 16)) write_failed |= !out.flush();
      },
      hooks);
  write_failed |= !out.flush();
  if (write_failed) {
    std::fprintf(stderr, "%.*s: error writing standard output\n", static_cast<int>(program.size()),
                 program.data());
    return 1;
  }
  return status;
}

}  // namespace sbk_tools
