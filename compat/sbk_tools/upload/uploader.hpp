// xebek-upload's run: connect, prepare the database, replay the input
// streams through the LegacyModel and write the rows batch by batch,
// committing the stream position with each batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <vector>

#include "cluster_connection.hpp"
#include "legacy_model.hpp"
#include "mariadb_session.hpp"
#include "sbk_tools/inputs.hpp"
#include "walleye_schema.hpp"

namespace sbk_tools::upload {

struct UploadConfig {
  ConnectParams db;                   // user, password, database; the server when `servers` is empty
  std::vector<ConnectParams> servers;  // -s: one, or the nodes of a cluster in failover order
  RetryPolicy retry;                  // on the InnoDB layout
  Engine engine = Engine::myisam;     // of the tables --create-schema creates
  std::uint32_t sensor_id = 0;
  Fixes fixes;
  std::string conlog_path;  // -l: socket records are appended here
  std::string chroot_dir;   // -C
  std::string setuid_user;  // -U
  bool create_schema = false;
  sbk_tools::InputSelection inputs;
  std::string stream_name;  // how the progress table names this input
  bool from_start = false;  // forget the stream's committed position
  // A batch is written when it holds this many records or payload bytes.
  // Larger batches mean fewer key-cache flushes and fewer rewrites of the
  // process rows a batch widens; but a table's rows go to the server in one
  // packet, payload plus some 110 bytes a row, which must stay under the
  // server's default 16 MiB max_allowed_packet: at most 6 MiB + 5.5 MB.
  std::size_t batch_records = 50000;
  std::size_t batch_bytes = 6u << 20;
};

// Returns the exit status; every error was reported on stderr in one line.
int run_upload(const UploadConfig& config);

}  // namespace sbk_tools::upload
