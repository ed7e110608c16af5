// Cluster benchmark: the same synthetic stream uploaded by 1, 3 and 6
// concurrent xebek-upload processes (each its own sensor, each starting on
// its own node) into the 3-node Galera lab cluster, beside one and three
// uploaders into a single server with the InnoDB and with the classic
// MyISAM layout, all in one run on one machine. Prints records/s and the
// ratio to one uploader into the single MyISAM server; never passes or
// fails on speed (it fails only when an upload fails or the sensors' row
// counts disagree).
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "mariadb_session.hpp"
#include "synthetic_stream.hpp"
#include "walleye_schema.hpp"

namespace fs = std::filesystem;
namespace po = boost::program_options;
using sbk_tools::upload::ConnectParams;
using sbk_tools::upload::Engine;
using sbk_tools::upload::Session;

namespace {

// Where one case uploads to: the server(s) the i-th uploader gets with -s.
struct Target {
  std::string label;
  Engine engine;
  ConnectParams admin;                       // where the database is created
  std::vector<std::string> servers;          // the nodes, first choice first
  bool cluster = false;
};

std::string servers_for(const Target& t, std::size_t uploader) {
  // Uploader i starts on node i mod n and fails over to the others in turn.
  std::string list;
  for (std::size_t k = 0; k < t.servers.size(); ++k)
    list += (k ? "," : "") + t.servers[(uploader + k) % t.servers.size()];
  return list;
}

void fresh_database(const Target& t, const std::string& db) {
  ConnectParams p = t.admin;
  p.database = "";
  Session admin(p);
  admin.exec("DROP DATABASE IF EXISTS " + db);
  admin.exec("CREATE DATABASE " + db);
  p.database = db;
  Session s(p);
  sbk_tools::upload::create_walleye_tables(s, t.engine);
  // Galera applies the DDL on the other nodes a moment later; a causal
  // read on each waits for it, so that no uploader finds the database
  // missing on its node.
  for (const std::string& node : t.servers) {
    ConnectParams n;
    n.socket = node;
    n.database = "";
    Session on(n);
    if (t.cluster) on.exec("SET SESSION wsrep_sync_wait=1");
    on.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='" + db + "'");
  }
}

// Every sensor must hold as many rows as the first one: same stream each.
bool sensors_agree(const Target& t, const std::string& db, std::size_t uploaders) {
  ConnectParams p = t.admin;
  p.database = db;
  Session s(p);
  // Read what the whole cluster committed, not only what node 1 applied.
  if (t.cluster) s.exec("SET SESSION wsrep_sync_wait=1");
  auto rows = s.query("SELECT COUNT(*) FROM sys_read GROUP BY sensor_id");
  if (rows.size() != uploaders) return false;
  for (auto& r : rows)
    if (r[0] != rows[0][0]) return false;
  return true;
}

struct Figure {
  std::string label;
  std::size_t uploaders = 0;
  double seconds = 0, records_per_second = 0;
};

Figure run_case(const Target& t, std::size_t uploaders, std::size_t records,
                const fs::path& stream, const fs::path& work) {
  const std::string db = "bench_" + std::string(t.cluster ? "cluster" : t.engine == Engine::innodb
                                                                          ? "innodb" : "myisam") +
                         "_" + std::to_string(uploaders);
  fresh_database(t, db);
  std::vector<int> status(uploaders, -1);
  std::vector<std::thread> threads;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < uploaders; ++i)
    threads.emplace_back([&, i] {
      const std::string cmd = std::string(XEBEK_UPLOAD_BINARY) + " -s " + servers_for(t, i) +
                              " -d " + db + " -i 10.1.0." + std::to_string(i + 1) + " <" +
                              stream.string() + " 2>" + (work / (db + "_" + std::to_string(i) + ".stderr")).string();
      status[i] = std::system(cmd.c_str());
    });
  for (auto& th : threads) th.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (std::size_t i = 0; i < uploaders; ++i)
    if (status[i] != 0)
      throw std::runtime_error(t.label + ": uploader " + std::to_string(i) + " failed, see " +
                               (work / (db + "_" + std::to_string(i) + ".stderr")).string());
  if (!sensors_agree(t, db, uploaders))
    throw std::runtime_error(t.label + ": the sensors hold different row counts");
  return {t.label, uploaders, s, static_cast<double>(records * uploaders) / s};
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t records = 200000;
  unsigned base_port = 24300;
  std::string work = XEBEK_BENCH_WORK_DIR;
  const bench::Program program{"galera_bench",
      "Measure 1, 3 and 6 xebek-upload processes into a 3-node Galera cluster beside single servers."};
  po::options_description opts;
  opts.add_options()
      ("records", po::value(&records)->default_value(records), "records each uploader uploads")
      ("base-port", po::value(&base_port)->default_value(base_port),
       "first of the lab cluster's private ports (scripts/galera-lab --base-port)")
      ("work", po::value(&work)->default_value(work), "directory for the stream and the servers");
  if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;
  const fs::path dir = fs::path(work) / "galera_bench";
  fs::create_directories(dir);
  const fs::path source(XEBEK_SOURCE_DIR);
  const std::string fixture = (source / "tests/upload/mariadb_fixture.sh").string();
  const std::string lab = (source / "scripts/galera-lab").string();
  const std::string lab_args = " --dir " + (dir / "cluster").string() + " --base-port " +
                               std::to_string(base_port);
  const fs::path single_dir = dir / "single";

  if (std::system((fixture + " start " + single_dir.string()).c_str()) != 0) return 1;
  if (std::system((lab + " start" + lab_args).c_str()) != 0) {
    std::system((fixture + " stop " + single_dir.string()).c_str());
    return 1;
  }
  int status = 0;
  try {
    const fs::path stream = dir / "stream.sbk";
    std::ofstream(stream, std::ios::binary)
        << upload_test::synthetic_stream(source / "tests/vectors", records);

    ConnectParams single;
    single.socket = (single_dir / "mysqld.sock").string();
    ConnectParams node1;
    node1.socket = (dir / "cluster/node1/mysqld.sock").string();
    std::vector<std::string> nodes;
    for (int n = 1; n <= 3; ++n) nodes.push_back((dir / "cluster" / ("node" + std::to_string(n)) / "mysqld.sock").string());
    const Target myisam{"single server, MyISAM", Engine::myisam, single, {single.socket}, false};
    const Target innodb{"single server, InnoDB", Engine::innodb, single, {single.socket}, false};
    const Target cluster{"3-node Galera, InnoDB", Engine::innodb, node1, nodes, true};

    std::vector<Figure> figures;
    for (const auto& [target, n] : std::vector<std::pair<const Target*, std::size_t>>{
             {&myisam, 1}, {&myisam, 3}, {&innodb, 1}, {&innodb, 3},
             {&cluster, 1}, {&cluster, 3}, {&cluster, 6}}) {
      figures.push_back(run_case(*target, n, records, stream, dir));
      const Figure& f = figures.back();
      std::printf("%-24s %zu uploader(s): %9zu records in %7.2f s = %9.0f records/s\n",
                  f.label.c_str(), f.uploaders, records * f.uploaders, f.seconds,
                  f.records_per_second);
      std::fflush(stdout);
    }
    std::printf("\n| target | uploaders | records/s (all together) | vs 1 uploader, single MyISAM |\n"
                "|---|---:|---:|---:|\n");
    for (const Figure& f : figures)
      std::printf("| %s | %zu | %.0f | %.2fx |\n", f.label.c_str(), f.uploaders,
                  f.records_per_second, f.records_per_second / figures[0].records_per_second);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "galera_bench: %s\n", e.what());
    status = 1;
  }
  std::system((lab + " stop" + lab_args).c_str());
  std::system((fixture + " stop " + single_dir.string()).c_str());
  return status;
}
