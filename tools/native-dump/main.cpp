// xebek-native-dump: prints the events of xebekd native logs, one line
// each, with their payloads resolved from the Sebek streams beside them.
#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "xebek/version.hpp"
#include "native_text.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kProgram = "xebek-native-dump";

int fail(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", kProgram, what.c_str());
  return 1;
}

// A domain directory's native logs, oldest generation first.
std::vector<std::string> logs_of(const std::string& arg) {
  if (!fs::is_directory(arg)) return {arg};
  std::vector<std::string> rotated;
  for (const auto& de : fs::directory_iterator(arg)) {
    const std::string n = de.path().filename().string();
    if (n.size() == 17 && n.starts_with("native.") && n.ends_with(".xnl")) rotated.push_back(de.path().string());
  }
  std::sort(rotated.begin(), rotated.end());
  if (fs::exists(fs::path(arg) / "native.xnl")) rotated.push_back((fs::path(arg) / "native.xnl").string());
  return rotated;
}

int dump(const std::string& path, const std::string& stream, const native_dump::TextOptions& opt) {
  xebekd::NativeScan s;
  try {
    s = stream.empty() ? xebekd::scan_native_log(path) : xebekd::scan_native_log(path, stream);
  } catch (const xebekd::NativeLogError& e) {
    return fail(e.what());
  }
  if (!s.exists) return fail(path + ": cannot be read");
  std::string out;
  for (const auto& e : s.entries) {
    native_dump::append_entry_line(out, e, opt);
    if (out.size() >= (1u << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return fail("cannot write standard output");
  if (s.valid_end != s.file_size)
    return fail(path + ": byte offset " + std::to_string(s.valid_end) + ": damaged or incomplete batch; " +
                std::to_string(s.file_size - s.valid_end) + " bytes after it not read");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description visible("Options");
  std::string stream;
  visible.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "stream", po::value(&stream), "the Sebek stream the log refers to (default: the one beside it)")(
      "no-data", "print payload lengths only");
  po::options_description all;
  all.add(visible).add_options()("input", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", kProgram, e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << "Usage: " << kProgram << " [--stream FILE] [--no-data] NATIVE_LOG|DOMAIN_DIR...\n"
              << "Print xebekd native logs as text, one line per event.\n"
              << "\n"
              << "Prints every event of xebekd native logs, one line each: seq, type, guest and\n"
              << "receive time, process fields, Sebek records and stream end, socket and loss\n"
              << "fields, and the payload, resolved from the Sebek stream the log refers to.\n"
              << "A domain directory is read generation by generation, oldest first.\n"
              << "\n"
              << visible << "\n"
              << "Exit status: 0 on success, 1 when a log is damaged or refers to stream bytes\n"
              << "that are missing, 2 on a bad command line.\n";
    return 0;
  }
  if (vm.count("version")) {
    xebek::print_version(kProgram);
    return 0;
  }
  if (!vm.count("input")) {
    std::fprintf(stderr, "%s: no native log given (see --help)\n", kProgram);
    return 2;
  }
  native_dump::TextOptions opt;
  opt.data = !vm.count("no-data");
  const auto inputs = vm["input"].as<std::vector<std::string>>();
  if (!stream.empty() && (inputs.size() != 1 || fs::is_directory(inputs[0])))
    return fail("--stream goes with exactly one native log file");
  for (const std::string& in : inputs) {
    const auto logs = logs_of(in);
    if (logs.empty()) return fail(in + ": no native log in this directory");
    for (const std::string& l : logs)
      if (int rc = dump(l, stream, opt)) return rc;
  }
  return 0;
}
