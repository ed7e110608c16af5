// How a batch becomes committed, one way per layout:
//  * classic MyISAM: under LOCK TABLES, with an undo record in the progress
//    row while the rows are written (MyISAM has no transactions);
//  * InnoDB (a Galera cluster or a single server): the rows, the new
//    position and the sensor's id marks in one transaction, retried after a
//    conflict and moved to another node when its server is lost.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "cluster_connection.hpp"
#include "upload_batch.hpp"
#include "upload_progress.hpp"

namespace sbk_tools::upload {

class BatchCommit {
 public:
  virtual ~BatchCommit() = default;
  // Writes `batch` and moves the stream's position to `to`; calls
  // `committed` as soon as the position is committed (before any statement
  // that may still fail afterwards), exactly once.
  virtual void commit(const UploadBatch& batch, const StreamPosition& to,
                      const std::function<void()>& committed) = 0;
};

// `progress` is the stream's, already recovered.
std::unique_ptr<BatchCommit> make_locked_tables_commit(ClusterConnection& connection,
                                                       std::uint32_t sensor_id,
                                                       UploadProgress& progress);
// `committed` is the position the progress row holds now.
std::unique_ptr<BatchCommit> make_transaction_commit(ClusterConnection& connection,
                                                     std::uint32_t sensor_id,
                                                     UploadProgress& progress,
                                                     const StreamPosition& committed,
                                                     const std::string& stream_name);

}  // namespace sbk_tools::upload
