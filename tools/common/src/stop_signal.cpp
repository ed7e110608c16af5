#include "xebek_tools/stop_signal.hpp"

#include <csignal>

namespace xebek_tools {

namespace {
volatile std::sig_atomic_t g_stop = 0;
void request_stop(int) { g_stop = 1; }
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = request_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() { return g_stop != 0; }

}  // namespace xebek_tools
