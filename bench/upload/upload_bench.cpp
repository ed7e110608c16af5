// Upload benchmark: one million records (the conformance vectors' records
// repeated with increasing counters and times) uploaded by xebek-upload and
// by a per-record baseline that writes the way sbk_upload.pl does, side by
// side against the same private MariaDB server. Prints records/s of both,
// their ratio, and whether the two left identical rows. Figures only: it
// never passes or fails on speed.
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_line.hpp"
#include "mariadb_session.hpp"
#include "per_record_baseline.hpp"
#include "synthetic_stream.hpp"
#include "sebekd_format/stream.hpp"
#include "walleye_schema.hpp"

namespace fs = std::filesystem;
namespace po = boost::program_options;
using sbk_tools::upload::ConnectParams;
using sbk_tools::upload::Session;

namespace {

constexpr std::uint32_t kSensor = 167772414;  // 10.0.0.254

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ConnectParams params(const std::string& socket, const std::string& db) {
  ConnectParams p;
  p.socket = socket;
  p.database = db;
  return p;
}

void fresh_database(const std::string& socket, const std::string& db) {
  Session admin(params(socket, ""));
  admin.exec("DROP DATABASE IF EXISTS " + db);
  admin.exec("CREATE DATABASE " + db);
  Session s(params(socket, db));
  sbk_tools::upload::create_walleye_tables(s);
}

// Order-independent fingerprint of a table: row count and the sum of the
// CRC32 of every row.
std::string fingerprint(Session& s, const std::string& table) {
  std::string cols;
  for (auto& row : s.query("SHOW COLUMNS FROM " + table))
    cols += (cols.empty() ? "`" : ",`") + *row[0] + "`";
  auto r = s.query("SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|'," + cols + "))),0) FROM " +
                   table);
  return *r[0][0] + "/" + *r[0][1];
}

bool same_rows(const std::string& socket, const std::string& a, const std::string& b,
               const char* b_label = "baseline") {
  Session sa(params(socket, a)), sb(params(socket, b));
  bool same = true;
  for (const std::string& t : sbk_tools::upload::walleye_tables()) {
    const std::string fa = fingerprint(sa, t), fb = fingerprint(sb, t);
    std::printf("  %-15s rows/crc xebek-upload %-24s %s %-24s %s\n", t.c_str(), fa.c_str(),
                b_label, fb.c_str(), fa == fb ? "same" : "DIFFERENT");
    same = same && fa == fb;
  }
  return same;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t records = 1000000, baseline_records = 0;
  std::string socket, work = XEBEK_BENCH_WORK_DIR, other_binary;
  const bench::Program program{"upload_bench",
      "Measure xebek-upload against a per-record baseline that writes the way sbk_upload.pl does."};
  po::options_description opts;
  opts.add_options()
      ("records", po::value(&records)->default_value(records), "records uploaded by xebek-upload")
      ("baseline-records", po::value(&baseline_records),
       "records uploaded by the per-record baseline (default: the same number)")
      ("socket", po::value(&socket), "MariaDB socket (default: start a private server)")
      ("compare-binary", po::value(&other_binary),
       "another xebek-upload build (say, an earlier version) timed on the same stream in the "
       "same run, so that before/after figures share the machine's load")
      ("work", po::value(&work)->default_value(work), "directory for the stream and the server");
  if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;
  if (baseline_records == 0 || baseline_records > records) baseline_records = records;
  fs::create_directories(work);

  const fs::path fixture = fs::path(XEBEK_SOURCE_DIR) / "tests/upload/mariadb_fixture.sh";
  const fs::path server_dir = fs::path(work) / "mariadb";
  const bool own_server = socket.empty();
  if (own_server) {
    socket = (server_dir / "mysqld.sock").string();
    if (std::system((fixture.string() + " start " + server_dir.string()).c_str()) != 0) return 1;
  }
  int status = 0;
  try {
    const fs::path vectors = fs::path(XEBEK_SOURCE_DIR) / "tests/vectors";
    const fs::path stream = fs::path(work) / "bench.sbk";
    const fs::path prefix = fs::path(work) / "bench_prefix.sbk";
    {
      std::ofstream(stream, std::ios::binary) << upload_test::synthetic_stream(vectors, records);
      std::ofstream(prefix, std::ios::binary)
          << upload_test::synthetic_stream(vectors, baseline_records);
    }

    auto upload = [&](const std::string& db, const fs::path& input,
                      const std::string& binary = XEBEK_UPLOAD_BINARY) {
      fresh_database(socket, db);
      const std::string cmd = binary + " --socket " + socket + " -d " +
                              db + " -i 10.0.0.254 <" + input.string() + " 2>" + work +
                              "/" + db + ".stderr";
      const auto t0 = std::chrono::steady_clock::now();
      const int rc = std::system(cmd.c_str());
      const double s = seconds_since(t0);
      if (rc != 0) throw std::runtime_error("xebek-upload failed, see " + work + "/" + db + ".stderr");
      return s;
    };
    const double fast_s = upload("bench_xebek", stream);
    const double fast_rate = static_cast<double>(records) / fast_s;
    std::printf("xebek-upload:        %9zu records in %8.2f s = %10.0f records/s\n", records,
                fast_s, fast_rate);
    double other_rate = 0;
    if (!other_binary.empty()) {
      const double other_s = upload("bench_other", stream, other_binary);
      other_rate = static_cast<double>(records) / other_s;
      std::printf("compared build:      %9zu records in %8.2f s = %10.0f records/s (%s)\n",
                  records, other_s, other_rate, other_binary.c_str());
    }

    // The prefix the baseline also uploads, for the row comparison.
    if (baseline_records != records) upload("bench_xebek_prefix", prefix);

    fresh_database(socket, "bench_baseline");
    Session s(params(socket, "bench_baseline"));
    s.exec("SET SESSION sql_mode=''");
    upload_bench::PerRecordBaseline baseline(s, kSensor);
    const std::string prefix_bytes = read_file(prefix);
    const auto t0 = std::chrono::steady_clock::now();
    {
      // Decoded incrementally, like a tool reading its input.
      sebekd_format::StreamDecoder dec;
      dec.feed(std::span(reinterpret_cast<const std::uint8_t*>(prefix_bytes.data()), prefix_bytes.size()));
      sebekd_format::StreamRecord r;
      while (dec.next(r) == sebekd_format::StreamDecoder::Status::Record) baseline.upload(r);
    }
    const double slow_s = seconds_since(t0);
    const double slow_rate = static_cast<double>(baseline_records) / slow_s;
    std::printf("per-record baseline: %9zu records in %8.2f s = %10.0f records/s\n",
                baseline_records, slow_s, slow_rate);
    std::printf("ratio: xebek-upload is %.1fx the per-record baseline (records/s)\n",
                fast_rate / slow_rate);
    if (!other_binary.empty()) {
      std::printf("ratio: the compared build is %.1fx the per-record baseline; xebek-upload is "
                  "%.2fx the compared build\n", other_rate / slow_rate, fast_rate / other_rate);
      std::printf("rows of the compared build's %zu records:\n", records);
      const bool same_other = same_rows(socket, "bench_xebek", "bench_other", "compared");
      std::printf("identical rows (compared build): %s\n", same_other ? "yes" : "NO");
    }
    std::printf("rows of the %zu records both uploaded:\n", baseline_records);
    const bool same = same_rows(socket, baseline_records == records ? "bench_xebek" : "bench_xebek_prefix",
                                "bench_baseline");
    std::printf("identical rows: %s\n", same ? "yes" : "NO");
    status = same ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "upload_bench: %s\n", e.what());
    status = 1;
  }
  if (own_server) std::system((fixture.string() + " stop " + server_dir.string()).c_str());
  return status;
}
