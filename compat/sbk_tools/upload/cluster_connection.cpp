#include "cluster_connection.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "server_list.hpp"

namespace sbk_tools::upload {

namespace {

using Clock = std::chrono::steady_clock;

void pause(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

// Jitter keeps uploaders that conflicted with each other from colliding
// again at the same moment.
double jittered(double seconds) {
  static std::mt19937 rng(std::random_device{}());
  return seconds * std::uniform_real_distribution<double>(0.5, 1.5)(rng);
}

}  // namespace

FailureKind classify_failure(unsigned code) {
  switch (code) {
    case ER_LOCK_DEADLOCK:      // InnoDB deadlock, and Galera's certification failure
    case ER_LOCK_WAIT_TIMEOUT:  // a row held too long by another transaction
      return FailureKind::conflict;
    case CR_CONNECTION_ERROR:   // socket refused or missing
    case CR_CONN_HOST_ERROR:    // TCP refused or unreachable
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_UNKNOWN_COM_ERROR:  // "WSREP has not yet prepared node for application use"
    case ER_SERVER_SHUTDOWN:
    case ER_CON_COUNT_ERROR:
    case ER_CONNECTION_KILLED:
      return FailureKind::server_lost;
    default:
      return FailureKind::fatal;
  }
}

ClusterConnection::ClusterConnection(std::vector<ConnectParams> servers,
                                     std::function<void(Session&)> on_connect)
    : servers_(std::move(servers)), on_connect_(std::move(on_connect)) {}

Session& ClusterConnection::session() {
  if (session_) return *session_;
  if (servers_.size() == 1) {
    // A single server: its own error message says everything.
    auto s = std::make_unique<Session>(servers_[0]);
    on_connect_(*s);
    session_ = std::move(s);
    ++generation_;
    return *session_;
  }
  std::string errors;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    std::string error;
    if (try_connect(i, error)) return *session_;
    errors += (errors.empty() ? "" : "; ") + error;
  }
  throw DbError("no server of -s answers: " + errors, CR_CONNECTION_ERROR);
}

std::string ClusterConnection::current_server() const { return server_name(servers_[current_]); }

void ClusterConnection::enable_retry(const RetryPolicy& policy) {
  retry_ = true;
  policy_ = policy;
}

bool ClusterConnection::try_connect(std::size_t index, std::string& error) {
  try {
    auto s = std::make_unique<Session>(servers_[index]);
    on_connect_(*s);
    session_ = std::move(s);
    current_ = index;
    ++generation_;
    return true;
  } catch (const DbError& e) {
    if (classify_failure(e.code()) == FailureKind::fatal) throw;
    error = e.what();
    return false;
  }
}

void ClusterConnection::reconnect(double deadline_seconds) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(deadline_seconds);
  std::string error;
  for (unsigned round = 0;; ++round) {
    for (std::size_t k = 1; k <= servers_.size(); ++k)
      if (try_connect((current_ + k) % servers_.size(), error)) return;
    if (Clock::now() >= deadline)
      throw DbError("no server of -s answered within " + std::to_string(int(deadline_seconds)) +
                        " s (last: " + error + ")",
                    CR_CONNECTION_ERROR);
    pause(std::min(policy_.max_pause_seconds, 0.25 * (round + 1)));
  }
}

void ClusterConnection::recover_or_rethrow(const DbError& e, unsigned& conflicts) {
  if (!retry_) throw;
  const FailureKind kind = classify_failure(e.code());
  if (kind == FailureKind::fatal) throw;
  if (kind == FailureKind::conflict) {
    // The transaction may still be open after a lock wait timeout.
    try {
      session_->exec("ROLLBACK");
    } catch (const DbError& rollback) {
      if (classify_failure(rollback.code()) == FailureKind::fatal) throw;
      session_.reset();  // the server went away as well: fail over below
    }
    if (session_) {
      if (++conflicts > policy_.conflict_attempts)
        throw DbError(std::string(e.what()) + ", still after " +
                          std::to_string(policy_.conflict_attempts) + " retries",
                      e.code());
      const double wait = jittered(std::min(
          policy_.max_pause_seconds, policy_.first_pause_seconds * double(1u << std::min(conflicts, 16u))));
      std::fprintf(stderr, "xebek-upload: %s: conflict on %s, retrying in %.0f ms\n", e.what(),
                   current_server().c_str(), wait * 1000);
      pause(wait);
      return;
    }
  }
  const std::string lost = current_server();
  session_.reset();
  conflicts = 0;
  reconnect(policy_.failover_seconds);
  std::fprintf(stderr, "xebek-upload: lost %s (%s): continuing on %s\n", lost.c_str(), e.what(),
               current_server().c_str());
}

}  // namespace sbk_tools::upload
