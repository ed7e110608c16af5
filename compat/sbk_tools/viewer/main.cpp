// xebek-viewer: sbk_viewer.pl's coloured replay of a Sebek stream (typed
// lines, terminal output, and with -V sockets and opens) read from stdin,
// from files, or from a live xebekd log (-F).
#include <boost/program_options.hpp>
#include <charconv>
#include <cstdio>
#include <iostream>

#include "xebek/version.hpp"
#include "ansi_color.hpp"
#include "sbk_tools/input_options.hpp"
#include "sbk_tools/tool_runner.hpp"
#include "viewer_printer.hpp"

namespace po = boost::program_options;

namespace {

void print_usage(const po::options_description& visible) {
  std::cout << "Usage: xebek-viewer [-hvV] [-t <type>] [-p <pid>] [-c <com>] [-F DIR | FILE...]\n"
            << "Replay what happened on the honeypots in colour, like sbk_viewer.pl.\n"
            << "\n"
            << "Typed lines are shown in red, terminal output in blue, sockets in green\n"
            << "and opens in black (-V). FILE is an sbk_extract stream (- or none: standard\n"
            << "input).\n"
            << "\n"
            << visible;
}

bool parse_u32(const std::string& text, std::uint32_t& value) {
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, value);
  return !text.empty() && r.ec == std::errc() && r.ptr == end;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description visible("Options");
  visible.add_options()
      ("help,h", "print this help and exit")("version", "print the version and exit")
      ("verbose,v", po::bool_switch(), "header line (time, host, uid, pid...) for reads and writes")
      ("more-verbose,V", po::bool_switch(), "header lines for socket and open records")
      ("type,t", po::value<std::string>()->value_name("type"),
       "only records of this type: 0 (read) or 1 (write)")
      ("pid,p", po::value<std::string>()->value_name("pid"),
       "only records whose pid or parent pid is this")
      ("com,c", po::value<std::string>()->value_name("com"),
       "only records of this command (comm)");
  auto cl = sbk_tools::parse_tool_command_line("xebek-viewer", argc, argv, visible);
  if (!cl) return 2;
  const po::variables_map& vm = cl->vm;
  const sbk_tools::InputSelection& inputs = cl->inputs;
  if (vm.count("help")) {
    print_usage(visible);
    return 0;
  }
  if (vm.count("version")) {
    xebek::print_version("xebek-viewer");
    return 0;
  }

  sbk_tools::ViewerOptions options;
  options.verbose = vm["verbose"].as<bool>();
  options.more_verbose = vm["more-verbose"].as<bool>();
  options.colors = !sbk_tools::ansi_colors_disabled_by_environment();
  // The original announces each filter on stdout, in command-line order,
  // before any record; scripts that skip those lines keep working.
  for (const po::option& opt : cl->given) {
    if (opt.value.empty()) continue;
    const std::string& value = opt.value.front();
    if (opt.string_key == "type") {
      if (value != "0" && value != "1") {
        std::cout << "**** Error: Wrong syscall type \"" << value << "\".\n\n";
        print_usage(visible);
        return 1;
      }
      options.type = static_cast<std::uint16_t>(value[0] - '0');
      std::cout << " filtering by SYSCALL type (" << value << ")\n";
    } else if (opt.string_key == "pid") {
      std::uint32_t pid = 0;
      if (!parse_u32(value, pid)) {
        std::fprintf(stderr, "xebek-viewer: -p needs a process id, not '%s'\n", value.c_str());
        return 2;
      }
      options.pid = pid;
      std::cout << " filtering by PID/PPID number (" << value << ")\n";
    } else if (opt.string_key == "com") {
      options.comm = value;
      std::cout << " filtering by COMMAND string (" << value << ")\n";
    }
  }
  std::cout.flush();

  sbk_tools::ViewerPrinter printer(options);
  return sbk_tools::run_printer(
      "xebek-viewer", inputs,
      [&](const sebekd_format::StreamRecord& r, std::string& out) { printer.on_record(r, out); });
}
