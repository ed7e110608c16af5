// xebek-sessions: the terminal sessions of a capture as asciicast v2 files
// (one per session, into --out DIR) and their index on stdout.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "xebek/version.hpp"
#include "sbk_tools/input_options.hpp"
#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/cast_directory.hpp"
#include "xebek_tools/session_index.hpp"
#include "xebek_tools/stdout_text.hpp"
#include "xebek_tools/stop_signal.hpp"

namespace po = boost::program_options;
namespace xt = xebek_tools;

namespace {

constexpr const char* kProgram = "xebek-sessions";

void print_help(const po::options_description& visible) {
  std::cout << "Usage: xebek-sessions [--out DIR] [--json] [-F DIR | FILE...]\n"
            << "Rebuild a capture's terminal sessions as asciicast v2 files.\n"
            << "\n"
            << "Rebuilds the terminal sessions of a capture: what was typed and what the\n"
            << "terminal showed (terminal I/O as the capture marked it; in Sebek data, reads\n"
            << "on fd 0 and writes on fd 0-2 to the same tty), per host and process lineage. Writes one asciicast v2 file per session into DIR and\n"
            << "prints the session index on stdout. FILE is a Sebek pcap, an sbk_extract\n"
            << "stream (- or none: standard input), a native log or a xebekd domain log\n"
            << "directory; -F (--follow) keeps the casts growing from a live domain log.\n"
            << "\n"
            << visible;
}

bool valid_size(int v) { return v >= 1 && v <= 1000; }

}  // namespace

int main(int argc, char** argv) {
  po::options_description visible("Options");
  visible.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "out,o", po::value<std::string>()->default_value("."), "directory for the .cast files")(
      "json", "print the index as one JSON document instead of tab-separated rows")(
      "width", po::value<int>()->default_value(80), "terminal columns in the cast header")(
      "height", po::value<int>()->default_value(24), "terminal rows in the cast header")(
      "idle-time-limit", po::value<double>()->value_name("SECONDS"),
      "idle_time_limit for players: longer pauses are shortened to it on replay")(
      "raw-output", "write output bytes as captured (default: LF shown as CR LF, as a tty "
                    "with its default output processing showed it)");
  auto cl = sbk_tools::parse_tool_command_line(kProgram, argc, argv, visible);
  if (!cl) return 2;
  const po::variables_map& vm = cl->vm;
  if (vm.count("help")) {
    print_help(visible);
    return 0;
  }
  if (vm.count("version")) {
    xebek::print_version(kProgram);
    return 0;
  }
  xt::CastOptions options;
  options.width = vm["width"].as<int>();
  options.height = vm["height"].as<int>();
  options.terminal_newlines = !vm.count("raw-output");
  if (vm.count("idle-time-limit")) options.idle_time_limit = vm["idle-time-limit"].as<double>();
  if (!valid_size(options.width) || !valid_size(options.height) ||
      (options.idle_time_limit && !(*options.idle_time_limit > 0))) {
    std::fprintf(stderr, "%s: width and height must be 1-1000, the idle time limit positive "
                         "(see -h)\n", kProgram);
    return 2;
  }
  const std::string out_dir = vm["out"].as<std::string>();
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (!std::filesystem::is_directory(out_dir, ec)) {
    std::fprintf(stderr, "%s: %s: not a directory that can be created\n", kProgram,
                 out_dir.c_str());
    return 1;
  }

  xt::CaptureModel model;
  xt::CastDirectory casts(out_dir, options, model.hosts);
  model.sessions.set_listener(&casts);
  const bool follow = !cl->inputs.follow.empty();
  if (follow) xt::install_stop_handlers();
  sbk_tools::InputHooks hooks;
  hooks.on_idle = [&] { casts.flush_all(false); };
  hooks.should_stop = [] { return xt::stop_requested(); };
  int status = xt::read_into(kProgram, cl->inputs, model, hooks);
  if (!casts.flush_all(true)) {
    std::fprintf(stderr, "%s: %s\n", kProgram, casts.error().c_str());
    status = 1;
  }
  std::string index;
  if (vm.count("json"))
    xt::append_index_json(index, model);
  else
    xt::append_index_text(index, model);
  return xt::write_stdout(kProgram, index, status);
}
