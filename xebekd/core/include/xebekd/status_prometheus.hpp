// xebekd's status as Prometheus metrics in the text exposition format, for
// node_exporter's textfile collector (`xebekctl status --prometheus`).
// Every metric name is listed in xebekd/README.md.
#pragma once

#include <string>

#include "xebekd/status_file.hpp"

namespace xebekd {

// One family per metric (HELP, TYPE, then one sample per domain or per
// domain and reason); families without samples are left out. Per-domain
// samples carry the labels domain (the name) and domid; no timestamps, as
// the textfile collector requires.
std::string status_to_prometheus(const DaemonStatus& s);

}  // namespace xebekd
