// Reading what a sensor already has in the database (so that a new upload
// continues its ids and finds its processes), and the command table, which
// is looked up and extended while records are replayed.
#pragma once

#include <cstdint>
#include <optional>

#include "cluster_connection.hpp"
#include "legacy_model.hpp"
#include "mariadb_session.hpp"

namespace sbk_tools::upload {

ExistingState load_existing_state(Session& session, std::uint32_t sensor_id);

// Commands are few, so they are written at once rather than batched; the
// database's collation decides which names are the same, as in the
// original. The ids are assigned here (the highest of the sensor plus one,
// what MyISAM's per-sensor AUTO_INCREMENT gives), since the InnoDB layout
// has no per-sensor AUTO_INCREMENT.
class DatabaseCommands : public CommandStore {
 public:
  DatabaseCommands(ClusterConnection& connection, std::uint32_t sensor_id);
  std::optional<std::uint32_t> find(const std::string& name) override;
  std::uint32_t add(const std::string& name) override;

 private:
  // The statements, prepared again after a failover.
  void prepare(Session& session);
  std::optional<std::uint32_t> find_once(const std::string& name);

  ClusterConnection& connection_;
  std::uint32_t sensor_id_;
  std::uint64_t prepared_generation_ = 0;
  std::optional<Statement> select_, insert_;
};

}  // namespace sbk_tools::upload
