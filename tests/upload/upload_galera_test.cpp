// xebek-upload on a 3-node Galera cluster (the lab the ctest fixture
// starts on loopback): concurrent uploaders of three hosts, one per node;
// a node killed in the middle of an upload; every node down. In each case
// the rows of every sensor equal what the classic single-server MyISAM
// upload of the same stream gives, ids included, and all nodes agree.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "synthetic_stream.hpp"
#include "upload_test_support.hpp"
#include "walleye_schema.hpp"

namespace upload_test {
namespace {

using sbk_tools::upload::ConnectParams;
using sbk_tools::upload::Session;

constexpr std::size_t kLargeRecords = 200000;

// Lines of stderr that xebek-upload wrote itself.
std::size_t xebek_lines(const std::string& err) {
  std::size_t n = err.starts_with("xebek-upload: ") ? 1 : 0;
  for (std::size_t at = err.find("\nxebek-upload: "); at != std::string::npos;
       at = err.find("\nxebek-upload: ", at + 1))
    ++n;
  return n;
}

std::uint32_t ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// Runs scripts/galera-lab on the fixture's cluster.
void lab(const std::string& action) {
  const std::string cmd = std::string(GALERA_LAB_SCRIPT) + " " + action + " --dir " +
                          GALERA_LAB_DIR + " --base-port " + std::to_string(GALERA_LAB_BASE_PORT);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// Node 1 is reached over TCP, nodes 2 and 3 over their Unix sockets, so
// that both forms of -s are in use.
std::string node_server(int n) {
  if (n == 1) return "127.0.0.1:" + std::to_string(GALERA_LAB_BASE_PORT + 10);
  return std::string(GALERA_LAB_DIR) + "/node" + std::to_string(n) + "/mysqld.sock";
}

ConnectParams node_params(int n, const std::string& database) {
  ConnectParams p;
  if (n == 1) {
    p.host = "127.0.0.1";
    p.port = GALERA_LAB_BASE_PORT + 10;
  } else {
    p.socket = node_server(n);
  }
  p.database = database;
  return p;
}

// A session that reads what the whole cluster has committed.
std::unique_ptr<Session> node_session(int n, const std::string& database) {
  auto s = std::make_unique<Session>(node_params(n, database));
  s->exec("SET SESSION wsrep_sync_wait=1");
  return s;
}

std::string scalar(Session& s, const std::string& sql) {
  auto rows = s.query(sql);
  return rows.empty() || rows[0].empty() ? "" : rows[0][0].value_or("NULL");
}

// Galera applies DDL on the other nodes a moment after it returns on the
// first: a causal read on each node waits for it, so that an uploader
// connecting there right away finds the database and its tables.
void wait_for_ddl_everywhere(const std::string& db) {
  for (int n = 1; n <= 3; ++n)
    node_session(n, "")->query("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                               "TABLE_SCHEMA='" + db + "'");
}

// Starts whichever nodes a failed test left down, so that the next test
// finds a whole cluster.
struct HealClusterAfterwards {
  ~HealClusterAfterwards() { lab("heal"); }
};

std::vector<std::string> upload_args(const std::string& servers, const std::string& db,
                                     std::uint32_t sensor, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"-s", servers, "-d", db, "-i",
                                   std::to_string(sensor >> 24) + "." +
                                       std::to_string((sensor >> 16) & 255) + "." +
                                       std::to_string((sensor >> 8) & 255) + "." +
                                       std::to_string(sensor & 255)};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The classic single-server MyISAM upload of each (sensor, stream).
std::unique_ptr<TestDatabase> reference_upload(
    const std::string& name, const std::vector<std::pair<std::uint32_t, std::filesystem::path>>& uploads) {
  auto ref = std::make_unique<TestDatabase>(name);
  bool first = true;
  for (const auto& [sensor, stream] : uploads) {
    auto args = upload_args("localhost", ref->name(), sensor, {"--socket", socket_path()});
    if (first) args.push_back("--create-schema");
    first = false;
    const RunResult r = run_upload_with(args, stream, ref->name());
    EXPECT_EQ(r.status, 0) << r.err;
  }
  return ref;
}

void expect_sensor_rows(Session& reference, Session& node, std::uint32_t sensor,
                        const std::string& what) {
  const std::string where = "sensor_id=" + std::to_string(sensor);
  for (const std::string& t : oracle_tables())
    expect_tables_equal(dump_table(reference, t, {}, where), dump_table(node, t, {}, where),
                        what + " sensor " + std::to_string(sensor) + " table " + t);
}

void expect_nodes_identical(const std::string& db) {
  auto one = node_session(1, db);
  std::vector<std::string> tables = oracle_tables();
  tables.push_back("xebek_upload_progress");
  for (int n = 2; n <= 3; ++n) {
    auto other = node_session(n, db);
    for (const std::string& t : tables)
      expect_tables_equal(dump_table(*one, t, {}), dump_table(*other, t, {}),
                          "node1 vs node" + std::to_string(n) + " table " + t);
  }
}

// Waits until node 1 sees at least `records` committed records of the
// sensor's stream.
bool wait_committed(const std::string& db, std::uint32_t sensor, std::uint64_t records) {
  auto s = node_session(1, db);
  for (int i = 0; i < 3000; ++i) {
    try {
      const std::string v = scalar(*s, "SELECT committed_records FROM xebek_upload_progress "
                                       "WHERE sensor_id=" + std::to_string(sensor));
      if (!v.empty() && v != "NULL" && std::stoull(v) >= records) return true;
    } catch (const sbk_tools::upload::DbError&) {
      // The uploader has not created its tables yet.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(UploadGalera, ThreeHostsUploadConcurrentlyOnePerNode) {
  HealClusterAfterwards heal;
  const auto dir = temp_dir("galera_concurrent");
  write_file(dir / "large.sbk", synthetic_stream(vectors(), kLargeRecords));
  const std::uint32_t sensors[3] = {ipv4(10, 0, 1, 1), ipv4(10, 0, 1, 2), ipv4(10, 0, 1, 3)};
  const std::filesystem::path streams[3] = {vectors() / "x.expected.sbk",
                                            vectors() / "edge.expected.sbk", dir / "large.sbk"};
  auto ref = reference_upload("galera_concurrent_ref", {{sensors[0], streams[0]},
                                                         {sensors[1], streams[1]},
                                                         {sensors[2], streams[2]}});
  TestDatabase db("galera_concurrent", node_params(1, ""));
  wait_for_ddl_everywhere(db.name());
  {
    auto s = node_session(1, db.name());
    sbk_tools::upload::create_walleye_tables(*s, sbk_tools::upload::Engine::innodb);
  }
  wait_for_ddl_everywhere(db.name());
  // Small batches for the small streams, so that their transactions
  // interleave with the large one's on the other nodes.
  RunResult results[3];
  std::vector<std::thread> uploaders;
  for (int i = 0; i < 3; ++i)
    uploaders.emplace_back([&, i] {
      const std::string batch = i < 2 ? "1" : "10000";
      results[i] = run_upload_with(
          upload_args(node_server(i + 1), db.name(), sensors[i], {"--batch-records", batch}),
          streams[i], db.name() + std::to_string(i));
    });
  for (auto& t : uploaders) t.join();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(results[i].status, 0) << results[i].err;

  for (int n = 1; n <= 3; ++n) {
    auto node = node_session(n, db.name());
    for (std::uint32_t sensor : sensors)
      expect_sensor_rows(ref->session(), *node, sensor, "node" + std::to_string(n));
  }
  expect_nodes_identical(db.name());
}

TEST(UploadGalera, KilledNodeFailsOverWithoutLossAndRejoins) {
  HealClusterAfterwards heal;
  const auto dir = temp_dir("galera_kill");
  const std::string stream = synthetic_stream(vectors(), kLargeRecords);
  write_file(dir / "large.sbk", stream);
  const auto at = record_offsets(stream);
  const std::uint32_t sensor = ipv4(10, 0, 2, 1);
  auto ref = reference_upload("galera_kill_ref", {{sensor, dir / "large.sbk"}});
  TestDatabase db("galera_kill", node_params(1, ""));
  wait_for_ddl_everywhere(db.name());

  // Node 2 first: the one killed.
  BackgroundUpload bg(upload_args(node_server(2) + "," + node_server(3) + "," + node_server(1),
                                  db.name(), sensor,
                                  {"--create-schema", "--engine", "innodb", "--batch-records", "5000"}),
                      db.name());
  bg.write(stream.substr(0, at[kLargeRecords / 2]));
  ASSERT_TRUE(wait_committed(db.name(), sensor, 20000));
  lab("kill 2");
  bg.write(stream.substr(at[kLargeRecords / 2]));
  const RunResult r = bg.finish();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("xebek-upload: lost socket " + node_server(2)), std::string::npos) << r.err;
  {
    auto node1 = node_session(1, db.name());
    EXPECT_EQ(scalar(*node1, "SELECT committed_records FROM xebek_upload_progress"),
              std::to_string(kLargeRecords));
    expect_sensor_rows(ref->session(), *node1, sensor, "node1");
  }
  lab("rejoin 2");
  expect_nodes_identical(db.name());
}

TEST(UploadGalera, AllNodesDownIsOneLineAndALaterRunResumes) {
  HealClusterAfterwards heal;
  TestDatabase db("galera_all_down", node_params(1, ""));
  const std::string stream = read_file(vectors() / "x.expected.sbk");
  const auto at = record_offsets(stream);
  const std::string all = node_server(1) + "," + node_server(2) + "," + node_server(3);
  const auto args = upload_args(all, db.name(), ipv4(10, 0, 0, 254), {"--failover-timeout", "3"});
  std::vector<Row> progress_before;
  {
    auto create = args;
    create.insert(create.end(), {"--create-schema", "--engine", "innodb"});
    BackgroundUpload bg(create, db.name());
    bg.write(stream.substr(0, at[40]));
    ASSERT_TRUE(wait_committed(db.name(), ipv4(10, 0, 0, 254), 40));
    progress_before = dump_table(*node_session(1, db.name()), "xebek_upload_progress", {}).rows;
    lab("stop");
    bg.write(stream.substr(at[40]));
    const RunResult r = bg.finish();
    EXPECT_EQ(r.status, 1);
    // The stream's own diagnostics (sbk_upload.pl's) come first; the error
    // is the one line of xebek-upload's own, the last.
    EXPECT_EQ(xebek_lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("\nxebek-upload: "), r.err.rfind('\n', r.err.size() - 2)) << r.err;
    EXPECT_NE(r.err.find("xebek-upload: no server of -s answered within 3 s"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("40 records (byte offset " + std::to_string(at[40]) +
                         ") of stream - are committed, run again to resume"),
              std::string::npos)
        << r.err;
  }
  lab("resume");
  EXPECT_EQ(dump_table(*node_session(2, db.name()), "xebek_upload_progress", {}).rows,
            progress_before);
  const RunResult again = run_upload_with(args, vectors() / "x.expected.sbk", db.name());
  ASSERT_EQ(again.status, 0) << again.err;
  expect_oracle_tables(*node_session(3, db.name()), "x");
  expect_nodes_identical(db.name());
}

}  // namespace
}  // namespace upload_test
