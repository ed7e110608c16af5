// Writes an UploadBatch into the walleye_0_3 tables: the new rows of each
// table through one prepared bulk statement, executed once for all of them;
// the widened times of older processes through multi-row INSERT ... ON
// DUPLICATE KEY UPDATE statements.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "mariadb_session.hpp"
#include "upload_batch.hpp"

namespace sbk_tools::upload {

class BatchWriter {
 public:
  BatchWriter(Session& session, std::uint32_t sensor_id);
  void write(const UploadBatch& batch);

 private:
  void update_times(const std::vector<ProcessRow>& rows);

  Session& session_;
  std::uint32_t sensor_id_;
  Statement insert_process_, insert_tree_, insert_p2c_, insert_read_,
      insert_open_, insert_loss_;
};

}  // namespace sbk_tools::upload
