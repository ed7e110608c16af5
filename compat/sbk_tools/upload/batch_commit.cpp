#include "batch_commit.hpp"

#include <optional>

#include "batch_undo.hpp"
#include "batch_writer.hpp"

namespace sbk_tools::upload {

namespace {

class LockedTablesCommit : public BatchCommit {
 public:
  LockedTablesCommit(Session& session, std::uint32_t sensor_id, UploadProgress& progress)
      : session_(session), sensor_id_(sensor_id), progress_(progress), writer_(session, sensor_id) {}

  void commit(const UploadBatch& batch, const StreamPosition& to,
              const std::function<void()>& committed) override {
    if (!batch.has_rows()) {
      progress_.commit(to);
      committed();
      return;
    }
    std::uint64_t losses_before = 0;
    if (!batch.losses.empty()) {
      auto rows = session_.query("SELECT COUNT(*) FROM sbk_loss WHERE sensor_id=" +
                                 std::to_string(sensor_id_));
      losses_before = std::stoull(rows.at(0).at(0).value_or("0"));
    }
    // MyISAM writes its index blocks out at the end of every statement
    // (and a bulk execution is one per row) unless the tables are locked:
    // under LOCK TABLES they are written once, at UNLOCK.
    session_.exec(
        "LOCK TABLES process WRITE, process_tree WRITE, process_to_com WRITE, sys_read WRITE, "
        "sys_open WRITE, sbk_loss WRITE, xebek_upload_progress WRITE");
    progress_.begin_batch(encode_undo(batch, losses_before));
    writer_.write(batch);
    progress_.commit(to);
    // The progress row is the commit: from here on a restart resumes after
    // this batch, even if the connection drops before the tables are
    // unlocked (the server unlocks them itself then).
    committed();
    session_.exec("UNLOCK TABLES");
  }

 private:
  Session& session_;
  std::uint32_t sensor_id_;
  UploadProgress& progress_;
  BatchWriter writer_;
};

IdMarks marks_after(const UploadBatch& b) {
  IdMarks m;
  m.max_process_id = b.new_processes.empty() ? b.base_max_process_id : b.new_processes.back().process_id;
  m.max_sys_open_id = b.opens.empty() ? b.base_max_sys_open_id : b.opens.back().id;
  return m;
}

class TransactionCommit : public BatchCommit {
 public:
  TransactionCommit(ClusterConnection& connection, std::uint32_t sensor_id,
                    UploadProgress& progress, const StreamPosition& committed, std::string stream)
      : connection_(connection), sensor_id_(sensor_id), progress_(progress),
        db_position_(committed), stream_(std::move(stream)) {}

  void commit(const UploadBatch& batch, const StreamPosition& to,
              const std::function<void()>& committed) override {
    connection_.with_retry([&](Session& s) { attempt(s, batch, to); });
    db_position_ = to;
    committed();
  }

 private:
  // One try. After a failover the previous try may have committed without
  // its answer arriving: the position on the new node tells which.
  void attempt(Session& s, const UploadBatch& batch, const StreamPosition& to) {
    if (!writer_ || writer_generation_ != connection_.generation()) {
      writer_.reset();
      writer_.emplace(s, sensor_id_);
      writer_generation_ = connection_.generation();
      progress_.use(s);
    }
    s.exec("START TRANSACTION");
    const StreamPosition now = progress_.read_for_update();
    if (now == to) {
      s.exec("COMMIT");
      return;
    }
    if (now != db_position_) moved_by_another_upload(now);
    writer_->write(batch);
    if (!progress_.advance(db_position_, to, marks_after(batch)))
      moved_by_another_upload(progress_.read_for_update());
    s.exec("COMMIT");
  }

  [[noreturn]] void moved_by_another_upload(const StreamPosition& now) const {
    throw DbError("stream " + stream_ + " of sensor " + std::to_string(sensor_id_) +
                      " was moved to byte offset " + std::to_string(now.offset) +
                      " by another upload",
                  0);
  }

  ClusterConnection& connection_;
  std::uint32_t sensor_id_;
  UploadProgress& progress_;
  StreamPosition db_position_;  // what the progress row holds
  std::string stream_;
  std::optional<BatchWriter> writer_;
  std::uint64_t writer_generation_ = 0;
};

}  // namespace

std::unique_ptr<BatchCommit> make_locked_tables_commit(ClusterConnection& connection,
                                                       std::uint32_t sensor_id,
                                                       UploadProgress& progress) {
  return std::make_unique<LockedTablesCommit>(connection.session(), sensor_id, progress);
}

std::unique_ptr<BatchCommit> make_transaction_commit(ClusterConnection& connection,
                                                     std::uint32_t sensor_id,
                                                     UploadProgress& progress,
                                                     const StreamPosition& committed,
                                                     const std::string& stream_name) {
  return std::make_unique<TransactionCommit>(connection, sensor_id, progress, committed,
                                             stream_name);
}

}  // namespace sbk_tools::upload
