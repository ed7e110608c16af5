// xebek-report: a self-contained HTML report of a capture: DIR/index.html
// (sessions with a player each, the process tree, the timeline), the casts
// under DIR/casts/ and the player's licence.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "xebek/version.hpp"
#include "player_assets.hpp"
#include "report_page.hpp"
#include "sbk_tools/input_options.hpp"
#include "timeline.hpp"
#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/cast_directory.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace xt = xebek_tools;

namespace {

constexpr const char* kProgram = "xebek-report";
// Casts larger than this stay files only: a page of hundreds of MB would not
// open in a browser anyway.
constexpr std::uintmax_t kMaxEmbeddedCast = 32u << 20;

bool write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return static_cast<bool>(out.flush());
}

std::map<std::string, std::string> read_casts(const xt::CaptureModel& model,
                                              const fs::path& dir) {
  std::map<std::string, std::string> casts;
  for (const xt::Session& s : model.sessions.sessions()) {
    if (!s.number) continue;
    const fs::path path = dir / (s.id + ".cast");
    std::error_code ec;
    if (fs::file_size(path, ec) > kMaxEmbeddedCast || ec) continue;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    casts[s.id] = text.str();
  }
  return casts;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description visible("Options");
  visible.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "out,o", po::value<std::string>()->value_name("DIR"), "directory for index.html (required)")(
      "idle-time-limit", po::value<double>()->value_name("SECONDS"),
      "shorten longer pauses to this when a session is played");
  auto cl = sbk_tools::parse_tool_command_line(kProgram, argc, argv, visible);
  if (!cl) return 2;
  if (cl->vm.count("help")) {
    std::cout << "Usage: xebek-report --out DIR [FILE...]\n"
              << "Write a self-contained HTML report of a capture.\n"
              << "\n"
              << "Writes DIR/index.html, a static page that opens from file:// with no server\n"
              << "or network: every terminal session playable with asciinema-player, the\n"
              << "process tree with each process's files, connections and session, and a\n"
              << "timeline. The casts are also written to DIR/casts/. FILE is a Sebek pcap,\n"
              << "an sbk_extract stream (- or none: standard input), a native log or a xebekd\n"
              << "domain log directory.\n"
              << "\n"
              << visible;
    return 0;
  }
  if (cl->vm.count("version")) {
    xebek::print_version(kProgram);
    return 0;
  }
  if (!cl->vm.count("out") || !cl->inputs.follow.empty()) {
    std::fprintf(stderr, "%s: --out DIR is required and -F is not supported (see -h)\n",
                 kProgram);
    return 2;
  }
  const fs::path out_dir = cl->vm["out"].as<std::string>();
  const fs::path cast_dir = out_dir / "casts";
  std::error_code ec;
  fs::create_directories(cast_dir, ec);
  if (ec) {
    std::fprintf(stderr, "%s: %s: %s\n", kProgram, cast_dir.c_str(), ec.message().c_str());
    return 1;
  }
  xt::CastOptions cast_options;
  double idle = 0;
  if (cl->vm.count("idle-time-limit")) {
    idle = cl->vm["idle-time-limit"].as<double>();
    if (!(idle > 0)) {
      std::fprintf(stderr, "%s: the idle time limit must be positive (see -h)\n", kProgram);
      return 2;
    }
    cast_options.idle_time_limit = idle;
  }

  xt::CaptureModel model;
  xt::CastDirectory casts(cast_dir.string(), cast_options, model.hosts);
  xebek_report::Timeline timeline(model);
  xt::SessionFanout listeners({&casts, &timeline});
  model.sessions.set_listener(&listeners);
  int status = xt::read_activity(kProgram, xt::activity_inputs(cl->inputs), model.hosts,
                                 [&](const xt::Activity& a) {
                                   timeline.add_activity(a, model.add(a));
                                 });
  model.processes.link_parents();
  xt::report_limits(kProgram, model);
  if (!casts.flush_all(true)) {
    std::fprintf(stderr, "%s: %s\n", kProgram, casts.error().c_str());
    return 1;
  }
  const auto embedded = read_casts(model, cast_dir);
  const std::string page = xebek_report::report_page({model, timeline, embedded, idle});
  if (!write_file(out_dir / "index.html", page) ||
      !write_file(out_dir / "LICENSE.asciinema-player", xebek_report::kPlayerLicense)) {
    std::fprintf(stderr, "%s: %s: cannot write the report\n", kProgram, out_dir.c_str());
    return 1;
  }
  return status;
}
