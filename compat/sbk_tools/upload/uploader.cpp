#include "uploader.hpp"

#include <mysqld_error.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "batch_commit.hpp"
#include "sbk_tools/privileges.hpp"
#include "database_state.hpp"
#include "upload_progress.hpp"
#include "walleye_schema.hpp"

namespace sbk_tools::upload {

namespace {

constexpr const char* kProgram = "xebek-upload";

struct StreamMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void drop_privileges(const UploadConfig& c) {
  const std::string err = sbk_tools::drop_privileges(c.chroot_dir, c.setuid_user);
  if (!err.empty()) throw std::runtime_error(err + " (-C/-U)");
}

ExistingState existing_state(Session& session, Engine engine, std::uint32_t sensor,
                             UploadProgress& progress) {
  ExistingState state = load_existing_state(session, sensor);
  if (engine == Engine::innodb) {
    // The marks committed with the progress are the id state; a database
    // converted from the classic layout has rows but no marks yet.
    const IdMarks marks = progress.id_marks();
    state.max_process_id = marks.max_process_id;
    state.max_sys_open_id = std::max(state.max_sys_open_id, marks.max_sys_open_id);
  }
  return state;
}

// Everything one run keeps while it replays the stream.
class Run {
 public:
  Run(const UploadConfig& c, ClusterConnection& connection, Engine engine, std::FILE* conlog)
      : config_(c), conlog_file_(conlog),
        progress_(connection.session(), c.sensor_id, c.stream_name),
        committed_(progress_.recover(c.from_start)),
        commands_(connection, c.sensor_id),
        model_(c.sensor_id, c.fixes, commands_,
               existing_state(connection.session(), engine, c.sensor_id, progress_)),
        commit_(engine == Engine::innodb
                    ? make_transaction_commit(connection, c.sensor_id, progress_, committed_,
                                              c.stream_name)
                    : make_locked_tables_commit(connection, c.sensor_id, progress_)) {
    model_.begin(batch_);
  }

  void on_record(const sebekd_format::StreamRecord& r) {
    std::array<std::uint8_t, sebekd_format::kStreamRecordHeaderSize> prefix;
    sebekd_format::encode_stream_prefix(r, prefix);
    const std::string prefix_bytes(prefix.begin(), prefix.end());
    const std::uint64_t end = offset_ + sebekd_format::kStreamRecordHeaderSize + r.data.size();

    if (offset_ == 0) {
      first_prefix_ = prefix_bytes;
      // Another stream under the same name (a restarted live pipe): it is
      // uploaded from its start; its records are not those already counted.
      if (committed_.offset > 0 && committed_.first_prefix != prefix_bytes) {
        std::fprintf(stderr, "%s: stream %s starts with another record than the one uploaded "
                     "before under that name: uploading it from its start\n",
                     kProgram, config_.stream_name.c_str());
        committed_ = StreamPosition{};
      }
    }
    if (end <= committed_.offset) {
      // Uploaded by an earlier run: only the loss tracking sees it.
      model_.skip(r);
      if (end == committed_.offset && prefix_bytes != committed_.last_prefix)
        throw StreamMismatch("the record ending at byte offset " + std::to_string(end) +
                             " differs from the last one uploaded from stream " +
                             config_.stream_name + "; give another --stream-name or --from-start");
      offset_ = end;
      ++records_;
      return;
    }
    if (offset_ < committed_.offset)
      throw StreamMismatch("no record ends at byte offset " + std::to_string(committed_.offset) +
                           ", where stream " + config_.stream_name +
                           " was uploaded to; give another --stream-name or --from-start");

    model_.apply(r, batch_, conlog_, diagnostics_);
    if (!diagnostics_.empty()) {
      std::fputs(diagnostics_.c_str(), stderr);
      diagnostics_.clear();
    }
    offset_ = end;
    ++records_;
    last_prefix_ = prefix_bytes;
    if (batch_.records >= config_.batch_records || batch_.arena.size() >= config_.batch_bytes)
      flush();
  }

  // Bookkeeping once the stream position of a batch is committed.
  void batch_committed() {
    committed_records_ = records_;
    committed_offset_ = offset_;
    // The connection log follows the database: a line is written once its
    // batch is committed, so a restart never writes it twice.
    if (conlog_file_ && !conlog_.empty()) {
      std::fwrite(conlog_.data(), 1, conlog_.size(), conlog_file_);
      std::fflush(conlog_file_);
    }
    conlog_.clear();
  }

  // Writes the pending batch and commits the stream position after it.
  void flush() {
    if (batch_.records == 0) return;
    model_.complete(batch_);
    commit_->commit(batch_, {offset_, records_, first_prefix_, last_prefix_},
                    [this] { batch_committed(); });
    model_.begin(batch_);
  }

  void finish() {
    flush();
    if (offset_ < committed_.offset)
      throw StreamMismatch("input ended at byte offset " + std::to_string(offset_) +
                           " but stream " + config_.stream_name + " was uploaded to byte offset " +
                           std::to_string(committed_.offset) +
                           "; give another --stream-name or --from-start");
  }

  std::string where() const {
    return std::to_string(committed_records_) + " records (byte offset " +
           std::to_string(committed_offset_) + ") of stream " + config_.stream_name +
           " are committed";
  }

 private:
  const UploadConfig& config_;
  std::FILE* conlog_file_;
  UploadProgress progress_;
  StreamPosition committed_;
  DatabaseCommands commands_;
  LegacyModel model_;
  std::unique_ptr<BatchCommit> commit_;
  UploadBatch batch_;
  std::string conlog_, diagnostics_, first_prefix_, last_prefix_;
  std::uint64_t offset_ = 0, records_ = 0;
  std::uint64_t committed_records_ = 0, committed_offset_ = 0;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", kProgram, message.c_str());
  return 1;
}

// What every session needs, the first and each one after a failover.
void prepare_session(Session& s, const UploadConfig& c) {
  // The layout expects the forgiving conversions of sql_mode='' (a path
  // longer than TINYTEXT is cut, not refused), whatever the server default.
  s.exec("SET SESSION sql_mode=''");
  // On a Galera node, reads wait until the node has applied everything the
  // cluster committed before them: after a failover the new node must see
  // the position the last node committed.
  try {
    s.exec("SET SESSION wsrep_sync_wait=1");
  } catch (const DbError& e) {
    if (e.code() != ER_UNKNOWN_SYSTEM_VARIABLE) throw;  // a server built without Galera
  }
  // One writer per sensor: ids are assigned here, not by the server. The
  // lock is the server's own (on a cluster, the node's); on the InnoDB
  // layout the conditional progress update also stops a second writer of
  // the same stream on another node.
  const std::string lock =
      "xebek-upload " + c.db.database + " sensor " + std::to_string(c.sensor_id);
  auto got = s.query("SELECT GET_LOCK(" + s.quote(lock) + ", 0)");
  if (got.empty() || got[0][0].value_or("0") != "1")
    throw DbError("another upload into sensor " + std::to_string(c.sensor_id) + " of database " +
                      c.db.database + " is running",
                  0);
}

// Creates or checks the tables; returns the layout they have.
Engine prepare_database(Session& s, const UploadConfig& c) {
  if (c.create_schema) create_walleye_tables(s, c.engine);
  require_walleye_tables(s, c.db.database);
  const Engine engine = detect_engine(s);
  if (engine == Engine::myisam && c.servers.size() > 1)
    throw DbError("several servers in -s need the InnoDB layout (--create-schema --engine innodb); "
                  "database " + c.db.database + " has the MyISAM one",
                  0);
  ensure_progress_table(s, engine);
  return engine;
}

}  // namespace

int run_upload(const UploadConfig& c) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> conlog(nullptr, &std::fclose);
  if (!c.conlog_path.empty()) {
    conlog.reset(std::fopen(c.conlog_path.c_str(), "a"));
    if (!conlog) return fail("cannot open " + c.conlog_path + " for appending: " + std::strerror(errno));
  }
  ClusterConnection connection(c.servers.empty() ? std::vector<ConnectParams>{c.db} : c.servers,
                               [&c](Session& s) { prepare_session(s, c); });
  std::unique_ptr<Run> run;
  try {
    const Engine engine = prepare_database(connection.session(), c);
    if (engine == Engine::innodb) connection.enable_retry(c.retry);
    connection.with_retry([&](Session&) {
      run = std::make_unique<Run>(c, connection, engine, conlog.get());
    });
    drop_privileges(c);
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  try {
    sbk_tools::InputHooks hooks;
    hooks.on_idle = [&] { run->flush(); };
    const int status = sbk_tools::read_inputs(
        kProgram, c.inputs, [&](const sebekd_format::StreamRecord& r) { run->on_record(r); }, hooks);
    run->finish();
    return status;
  } catch (const DbError& e) {
    return fail(e.what() + std::string("; ") + run->where() + ", run again to resume");
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace sbk_tools::upload
