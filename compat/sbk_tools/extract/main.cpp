// xebek-extract: sbk_extract's command line and behaviour. Reads Sebek
// frames from a pcap file (-f) or an interface (-i) and writes the
// sbk_extract stream on stdout for the legacy Sebek server tools.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "xebek/version.hpp"
#include "extractor.hpp"
#include "sbk_tools/privileges.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kDefaultInterface = "eth0";

void print_help() {
  std::printf("Usage: xebek-extract [-i <device> | -f <file>] [-p <port>] [-u <user_name>] [-c <path_name>]\n");
  std::printf("Extract the Sebek stream from Sebek frames, like sbk_extract.\n");
  std::printf("\n");
  std::printf("Reads Sebek frames from a pcap file or a network interface (default %s) and\n",
              kDefaultInterface);
  std::printf("writes the sbk_extract stream on standard output for the Sebek server tools.\n");
  std::printf("\n");
  std::printf("Options:\n");
  std::printf("  -i <device>  get packets from interface\n");
  std::printf("  -f <file>  get packets from pcap file\n");
  std::printf("  -p <port>  dest port to look for (default 1101)\n");
  std::printf("  -u <user_name>  User name to setuid to\n");
  std::printf("  -c <path_name>  Path to chroot to\n");
  std::printf("  -h, --help  this screen\n");
  std::printf("  --version  print the version and exit\n");
}

[[noreturn]] void die(const std::string& what) {
  std::fflush(stdout);
  std::fprintf(stderr, "xebek-extract: %s\n", what.c_str());
  std::exit(1);
}

std::uint16_t parse_port(const std::string& text) {
  std::size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(text, &used, 10);
  } catch (...) {
    used = 0;
  }
  if (used != text.size() || text.empty() || v == 0 || v > 65535 || text[0] == '-' ||
      text[0] == '+')
    die("invalid port '" + text + "' for -p (expected 1-65535)");
  return static_cast<std::uint16_t>(v);
}

// Drops privileges after the capture device is open, as sbk_extract does.
void confine(const std::string& chroot_dir, const std::string& user) {
  const std::string err = sbk_tools::drop_privileges(chroot_dir, user);
  if (!err.empty()) die(err + " (-c/-u)");
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("options");
  opts.add_options()
      ("help,h", "this screen")
      ("version", "print the version and exit")
      ("interface,i", po::value<std::string>(), "get packets from interface")
      ("file,f", po::value<std::string>(), "get packets from pcap file")
      ("port,p", po::value<std::string>()->default_value("1101"), "dest port to look for")
      ("user,u", po::value<std::string>()->default_value(""), "user name to setuid to")
      ("chroot,c", po::value<std::string>()->default_value(""), "path to chroot to");
  po::variables_map vm;
  try {
    const po::parsed_options parsed = po::command_line_parser(argc, argv).options(opts).run();
    // A stray word (say the file name without -f) would otherwise be
    // ignored and the tool would start sniffing eth0 instead.
    const auto stray = po::collect_unrecognized(parsed.options, po::include_positional);
    if (!stray.empty()) die("unexpected argument '" + stray.front() + "' (see -h)");
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    die(std::string(e.what()) + " (see -h)");
  }
  if (vm.count("help")) {
    print_help();
    return 0;
  }
  if (vm.count("version")) {
    xebek::print_version("xebek-extract");
    return 0;
  }
  if (vm.count("file") && vm.count("interface")) die("-f and -i cannot be used together");
  const std::uint16_t port = parse_port(vm["port"].as<std::string>());

  sebekd_format::LossTracker losses;
  try {
    if (vm.count("file")) {
      const std::string path = vm["file"].as<std::string>();
      auto reader = sebekd_format::PcapReader::open_file(path, port);
      std::fprintf(stderr, " opening %s: looking for UDP dst port %u\n", path.c_str(),
                   unsigned{port});
      sbk_tools::extract::extract(reader, {stdout, stderr, false}, losses);
    } else {
      const std::string dev =
          vm.count("interface") ? vm["interface"].as<std::string>() : kDefaultInterface;
      auto reader = sebekd_format::PcapReader::open_live(dev, port);
      confine(vm["chroot"].as<std::string>(), vm["user"].as<std::string>());
      std::fprintf(stderr, " monitoring %s: looking for UDP dst port %u\n", dev.c_str(),
                   unsigned{port});
      sbk_tools::extract::extract(reader, {stdout, stderr, true}, losses);
    }
  } catch (const sebekd_format::PcapError& e) {
    die(e.what());
  }
  return 0;
}
