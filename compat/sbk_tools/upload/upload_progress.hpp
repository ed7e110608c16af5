// Where an upload of one input stream into one sensor stands, kept in the
// xebek_upload_progress table so that a restarted upload continues after
// the last committed record instead of writing rows twice.
#pragma once

#include <cstdint>
#include <string>

namespace sbk_tools::upload {

class Session;

struct StreamPosition {
  std::uint64_t offset = 0;   // bytes of the stream that are uploaded
  std::uint64_t records = 0;  // records of the stream that are uploaded
  std::string first_prefix;   // 68-byte prefix of the stream's first record
  std::string last_prefix;    // 68-byte prefix of the last uploaded record
  friend bool operator==(const StreamPosition&, const StreamPosition&) = default;
};

// The highest ids a sensor has used (InnoDB layout: kept with the progress).
struct IdMarks {
  std::uint32_t max_process_id = 0;
  std::uint32_t max_sys_open_id = 0;
};

class UploadProgress {
 public:
  UploadProgress(Session& session, std::uint32_t sensor_id, std::string stream);
  // Later statements go to `session` (after a failover).
  void use(Session& session) { session_ = &session; }

  // Takes back any batch of this sensor that a previous run left half
  // written, then returns where this stream stands (zero when new).
  // `from_start` forgets the stream's position first.
  StreamPosition recover(bool from_start);
  // Marks a batch as being written, with how to take it back.
  void begin_batch(const std::string& undo);
  // The batch is fully written: one single-row update moves the position
  // and drops the undo record, so a batch counts either wholly or not at all.
  void commit(const StreamPosition& position);

  // --- the InnoDB layout, inside the batch's transaction
  // The stream's position as committed, its row locked until the end of
  // the transaction.
  StreamPosition read_for_update();
  // Moves the position from `from` to `to` and records the sensor's id
  // marks; false (nothing changed) when the row is no longer at `from`.
  bool advance(const StreamPosition& from, const StreamPosition& to, const IdMarks& marks);
  // The sensor's id marks: the highest over all its streams.
  IdMarks id_marks();

 private:
  StreamPosition read(const std::string& suffix);

  Session* session_;
  std::uint32_t sensor_id_;
  std::string stream_;
  std::string where_;
};

}  // namespace sbk_tools::upload
