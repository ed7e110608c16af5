// xebek-export: a capture as JSON lines with Elastic Common Schema field
// names, one line per record, for Filebeat, Vector, Splunk or Loki.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "xebek/version.hpp"
#include "ecs_line.hpp"
#include "sbk_tools/input_options.hpp"
#include "sbk_tools/output_buffer.hpp"
#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/stop_signal.hpp"

namespace po = boost::program_options;
namespace xt = xebek_tools;

int main(int argc, char** argv) {
  constexpr const char* kProgram = "xebek-export";
  po::options_description visible("Options");
  visible.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "format", po::value<std::string>()->value_name("ecs"),
      "output format: ecs (Elastic Common Schema JSON lines)");
  auto cl = sbk_tools::parse_tool_command_line(kProgram, argc, argv, visible);
  if (!cl) return 2;
  if (cl->vm.count("help")) {
    std::cout << "Usage: xebek-export --format ecs [-F DIR | FILE...]\n"
              << "Export a capture as Elastic Common Schema JSON lines.\n"
              << "\n"
              << "Writes one JSON line per captured record on stdout, with ECS field names\n"
              << "(@timestamp, event.action, process.pid, process.entity_id, process.args,\n"
              << "user.id, file.path, source.ip, destination.port, host.name, ...). FILE is a\n"
              << "Sebek pcap, an sbk_extract stream (- or none: standard input), a native log\n"
              << "or a xebekd domain log directory; -F follows a live domain log, so that\n"
              << "Filebeat or Vector can tail the output.\n"
              << "\n"
              << visible;
    return 0;
  }
  if (cl->vm.count("version")) {
    xebek::print_version(kProgram);
    return 0;
  }
  if (!cl->vm.count("format") || cl->vm["format"].as<std::string>() != "ecs") {
    std::fprintf(stderr, "%s: --format ecs is required (the only format) (see -h)\n", kProgram);
    return 2;
  }
  if (!cl->inputs.follow.empty()) xt::install_stop_handlers();
  sbk_tools::OutputBuffer out(STDOUT_FILENO);
  bool write_failed = false;
  xt::CaptureModel model;
  sbk_tools::InputHooks hooks;
  hooks.on_idle = [&] { write_failed |= !out.flush(); };
  hooks.should_stop = [] { return xt::stop_requested(); };
  const int status = xt::read_activity(
      kProgram, xt::activity_inputs(cl->inputs), model.hosts,
      [&](const xt::Activity& a) {
        const std::int64_t p = model.add(a);
        xebek_export::append_ecs_line(out.text(), model, a, p);
        if (out.text().size() >= (1u << 16)) write_failed |= !out.flush();
      },
      hooks);
  write_failed |= !out.flush();
  xt::report_limits(kProgram, model);
  if (write_failed) {
    std::fprintf(stderr, "%s: error writing standard output\n", kProgram);
    return 1;
  }
  return status;
}
