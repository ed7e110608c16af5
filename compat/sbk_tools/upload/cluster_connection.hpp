// The connection to one server of the -s list, and what xebek-upload does
// when a statement fails on a replicated (InnoDB) layout: a conflict
// (Galera's certification failure, reported as a deadlock, or a lock wait
// timeout) is retried on the same server after a growing, jittered pause;
// a lost or unready server is replaced by the next one of the list that
// answers, for up to `failover_seconds`. Everything else, and every error
// on the classic MyISAM layout (which cannot take back a half-written
// batch by itself), is passed on unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mariadb_session.hpp"

namespace sbk_tools::upload {

enum class FailureKind { conflict, server_lost, fatal };

// What a server or client error number means for a retry.
FailureKind classify_failure(unsigned code);

struct RetryPolicy {
  double failover_seconds = 60;    // how long to look for a server after losing one
  unsigned conflict_attempts = 30; // conflicts in a row before giving up
  double first_pause_seconds = 0.02, max_pause_seconds = 2;
};

class ClusterConnection {
 public:
  // `on_connect` prepares every new session (session variables, locks);
  // an error there counts like a failed connection.
  ClusterConnection(std::vector<ConnectParams> servers, std::function<void(Session&)> on_connect);

  // Connects to the first server of the list that answers (each tried
  // once), unless a session is open.
  Session& session();
  // Increases with every new session: statements prepared on an older one
  // must be prepared again.
  std::uint64_t generation() const { return generation_; }
  std::string current_server() const;

  // From now on, with_retry retries as described above.
  void enable_retry(const RetryPolicy& policy);

  // Runs attempt(session) until it returns. An attempt must leave nothing
  // behind when it throws (a transaction it opened is rolled back here).
  template <class Attempt>
  auto with_retry(Attempt&& attempt) {
    for (unsigned conflicts = 0;;) {
      try {
        return attempt(session());
      } catch (const DbError& e) {
        recover_or_rethrow(e, conflicts);
      }
    }
  }

 private:
  // Called inside the catch block: returns when the attempt should run
  // again, rethrows otherwise.
  void recover_or_rethrow(const DbError& e, unsigned& conflicts);
  // Opens a session on the servers in turn, starting after the lost one,
  // until `deadline_seconds` have passed.
  void reconnect(double deadline_seconds);
  bool try_connect(std::size_t index, std::string& error);

  std::vector<ConnectParams> servers_;
  std::function<void(Session&)> on_connect_;
  std::unique_ptr<Session> session_;
  std::size_t current_ = 0;
  std::uint64_t generation_ = 0;
  bool retry_ = false;
  RetryPolicy policy_;
};

}  // namespace sbk_tools::upload
