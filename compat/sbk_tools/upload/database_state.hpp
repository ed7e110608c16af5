// Reading what a sensor already has in the database (so that a new upload
// continues its ids and finds its processes), and the command table, which
// is looked up and extended while records are replayed.
#pragma once

#include <cstdint>

#include "legacy_model.hpp"
#include "mariadb_session.hpp"

namespace xebek::upload {

ExistingState load_existing_state(Session& session, std::uint32_t sensor_id);

// Commands are few, so they are written at once rather than batched; the
// database's collation decides which names are the same, as in the original.
class DatabaseCommands : public CommandStore {
 public:
  DatabaseCommands(Session& session, std::uint32_t sensor_id);
  std::optional<std::uint32_t> find(const std::string& name) override;
  std::uint32_t add(const std::string& name) override;

 private:
  std::uint32_t sensor_id_;
  Statement select_, insert_;
};

}  // namespace xebek::upload
