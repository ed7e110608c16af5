// Writes an UploadBatch into the walleye_0_3 tables: one prepared bulk
// statement per table, each executed once for all of the batch's rows.
#pragma once

#include <cstdint>
#include <memory>

#include "mariadb_session.hpp"
#include "upload_batch.hpp"

namespace xebek::upload {

class BatchWriter {
 public:
  BatchWriter(Session& session, std::uint32_t sensor_id);
  void write(const UploadBatch& batch);

 private:
  std::uint32_t sensor_id_;
  Statement insert_process_, update_process_, insert_tree_, insert_p2c_, insert_read_,
      insert_open_, insert_loss_;
};

}  // namespace xebek::upload
