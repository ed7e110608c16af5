// xebek-upload: loads Sebek records into a Walleye (walleye_0_3) database,
// a compatible replacement for sbk_upload.pl with the same option letters.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "xebek/version.hpp"
#include "sbk_tools/input_options.hpp"
#include "password_file.hpp"
#include "sebekd_format/header.hpp"
#include "server_list.hpp"
#include "uploader.hpp"

namespace po = boost::program_options;
using sbk_tools::upload::UploadConfig;

namespace {

std::string stream_name_for(const sbk_tools::InputSelection& in) {
  if (!in.follow.empty()) return "follow:" + in.follow;
  std::string name;
  for (const std::string& f : in.files) name += (name.empty() ? "" : " ") + f;
  return name.empty() ? "-" : name;
}

}  // namespace

int main(int argc, char** argv) {
  UploadConfig c;
  std::string sensor_ip, servers, engine, password_file;
  po::options_description visible("Options");
  visible.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("user,u", po::value(&c.db.user)->default_value("root"), "database user")
    ("password,p", po::value(&c.db.password), "database password (visible to every user in ps: prefer --password-file)")
    ("password-file", po::value(&password_file), "read the database password from the first line of FILE (for example a systemd credential)")
    ("database,d", po::value(&c.db.database)->default_value("walleye_0_3"), "database name")
    ("server,s", po::value(&servers)->default_value("localhost"),
     "server: host, host:port or /path/to/socket (localhost: the Unix socket); several, "
     "comma-separated, are the nodes of a Galera cluster, tried in turn (InnoDB layout only)")
    ("port,P", po::value(&c.db.port)->default_value(3306), "server port")
    ("socket", po::value(&c.db.socket), "Unix socket of the server (with -s localhost)")
    ("sensor-id,i", po::value(&sensor_ip), "sensor id, as the IPv4 address of the Sebek server")
    ("setuid,U", po::value(&c.setuid_user), "user to switch to after connecting")
    ("chroot,C", po::value(&c.chroot_dir), "directory to chroot into after connecting "
     "(input files are then opened inside it)")
    ("conlog,l", po::value(&c.conlog_path), "connection log (CSV of socket records) to append to")
    ("create-schema", po::bool_switch(&c.create_schema),
     "create the walleye_0_3 tables first (on an empty database)")
    ("engine", po::value(&engine),
     "with --create-schema: myisam (the classic layout, default) or innodb (the layout a "
     "Galera cluster replicates)")
    ("failover-timeout", po::value(&c.retry.failover_seconds)->default_value(c.retry.failover_seconds),
     "InnoDB layout: seconds to keep trying the servers of -s after losing one")
    ("stream-name", po::value(&c.stream_name),
     "name under which the upload position of this input is kept "
     "(default: the file names, '-' for stdin, follow:DIR with -F)")
    ("from-start", po::bool_switch(&c.from_start),
     "forget the committed position of this stream and upload it from its start")
    ("keep-ppid0-record", po::bool_switch(&c.fixes.keep_ppid0_record),
     "fix: store the first record of a new process whose parent pid is 0 "
     "(sbk_upload.pl drops it)")
    ("write-sbk-loss", po::bool_switch(&c.fixes.write_sbk_loss),
     "fix: write reported losses to sbk_loss (sbk_upload.pl never does)")
    ("duplicate-counter-not-lost", po::bool_switch(&c.fixes.duplicate_counter_not_lost),
     "fix: a repeated counter is not a loss (sbk_upload.pl reports \"lost -1\")")
    ("batch-records", po::value(&c.batch_records)->default_value(c.batch_records),
     "records per database batch");
  auto cl = sbk_tools::parse_tool_command_line("xebek-upload", argc, argv, visible);
  if (!cl) return 2;
  const po::variables_map& vm = cl->vm;
  c.inputs = cl->inputs;
  if (vm.count("help")) {
    std::cout << "Usage: xebek-upload [OPTION]... [-F DIR | FILE...]\n"
                 "Load Sebek records into a Walleye database, like sbk_upload.pl.\n"
                 "\n"
                 "Reads an sbk_extract stream (- or no FILE: standard input; -F: a live xebekd\n"
                 "log) and loads its records into a walleye_0_3 database, committing the\n"
                 "position reached so that a restart resumes where it stopped. The option\n"
                 "letters are sbk_upload.pl's.\n"
                 "\n"
              << visible << '\n';
    return 0;
  }
  if (vm.count("version")) {
    xebek::print_version("xebek-upload");
    return 0;
  }
  if (!password_file.empty()) {
    if (vm.count("password")) {
      std::fprintf(stderr, "xebek-upload: -p and --password-file exclude each other\n");
      return 2;
    }
    std::string error;
    const auto password = sbk_tools::upload::read_password_file(password_file, error);
    if (!password) {
      std::fprintf(stderr, "xebek-upload: %s\n", error.c_str());
      return 2;
    }
    c.db.password = *password;
  }
  if (!sensor_ip.empty() && !sebekd_format::parse_ipv4(sensor_ip, c.sensor_id)) {
    std::fprintf(stderr, "xebek-upload: -i %s is not an IPv4 address\n", sensor_ip.c_str());
    return 2;
  }
  if (!engine.empty()) {
    if (!c.create_schema) {
      std::fprintf(stderr, "xebek-upload: --engine applies to --create-schema only\n");
      return 2;
    }
    if (engine != "myisam" && engine != "innodb") {
      std::fprintf(stderr, "xebek-upload: --engine %s: not myisam or innodb\n", engine.c_str());
      return 2;
    }
    c.engine = engine == "innodb" ? sbk_tools::upload::Engine::innodb : sbk_tools::upload::Engine::myisam;
  }
  std::string error;
  auto parsed = sbk_tools::upload::parse_server_list(servers, c.db, error);
  if (!parsed) {
    std::fprintf(stderr, "xebek-upload: %s\n", error.c_str());
    return 2;
  }
  c.servers = *parsed;
  if (c.retry.failover_seconds < 0) c.retry.failover_seconds = 0;
  if (c.batch_records == 0) c.batch_records = 1;
  if (c.stream_name.empty()) c.stream_name = stream_name_for(c.inputs);
  return sbk_tools::upload::run_upload(c);
}
