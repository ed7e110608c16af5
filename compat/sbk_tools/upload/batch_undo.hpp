// How to take back a batch that was only partly written. MyISAM tables have
// no transactions, so before a batch is written its undo record (the id
// high-water marks and old values it is about to move past) is stored in
// the progress row; a crash or lost connection mid-batch leaves that record
// behind, and the next run applies it before resuming, which returns the
// tables to exactly the state of the last committed record.
#pragma once

#include <cstdint>
#include <string>

#include "upload_batch.hpp"

namespace sbk_tools::upload {

class Session;

// `loss_rows_before`: sbk_loss rows of the sensor before the batch (the
// table has no key, so the count is what tells how many to take back).
std::string encode_undo(const UploadBatch& batch, std::uint64_t loss_rows_before);

// Deletes every row the batch may have added and restores the process
// times it may have widened. Safe to run more than once.
void apply_undo(Session& session, std::uint32_t sensor_id, const std::string& undo);

}  // namespace sbk_tools::upload
