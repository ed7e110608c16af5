#include "attach_time.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>


#include "simdomu/sim_domain.hpp"

#include "daemon_process.hpp"
#include "domain_status.hpp"
#include "guest_records.hpp"
#include "xebekd/domain_logs.hpp"

namespace bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Letters only: xebekd's directory for it is its name unchanged.
constexpr const char* kName = "bulk";
constexpr std::uint32_t kDomid = 9;
constexpr std::size_t kBatch = 64;
constexpr double kAttachTimeout_s = 120;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Exec entries: they go to the native log only, so the log reaches its
// size without writing a Sebek stream of the same size beside it (the
// stream's size does not enter recovery, which only cuts it to a length).
void grow_native_log(const xebekd::LogOptions& lo, const AttachRun& run, AttachFigures& f) {
  const auto t0 = Clock::now();
  xebekd::DomainLogs logs(lo, kDomid);
  logs.open();
  logs.set_ring_instance(0x5eedull);
  std::vector<std::uint8_t> argv(run.entry_bytes, 'x');
  std::memcpy(argv.data(), "/bin/sh\0-c", std::min<std::size_t>(argv.size(), 10));
  std::vector<xebekd::Event> batch(kBatch);
  for (auto& e : batch) {
    e.type = xebekd::EventType::Exec;
    e.pid = e.tgid = 2000;
    e.ppid = 1;
    std::memcpy(e.comm.data(), "sh", 2);
    e.data = argv;
  }
  std::uint64_t seq = 0;
  while (f.native_bytes < run.native_bytes) {
    const std::uint64_t now = realtime_ns();
    for (auto& e : batch) {
      e.seq = seq++;
      e.time_ns = now;
    }
    const auto r = logs.write_batch(batch, now);
    if (r.error) throw std::runtime_error("writing " + lo.dir + ": " + std::strerror(r.error));
    f.native_bytes += r.bytes;
    f.entries += batch.size();
  }
  if (const int err = logs.flush_checkpoint()) throw std::runtime_error("checkpoint: " + std::string(std::strerror(err)));
  f.create_s = ms_since(t0) / 1000;
}

void time_open(const xebekd::LogOptions& lo, AttachTimes& t) {
  const auto t0 = Clock::now();
  xebekd::DomainLogs logs(lo, kDomid);
  t.from_checkpoint = logs.open().from_checkpoint;
  t.open_ms = ms_since(t0);
}

// A fresh domain (new ring instance, so nothing in it counts as written)
// with one keystroke queued, then a fresh xebekd.
void time_daemon(const fs::path& dir, const xebekd::LogOptions& lo, AttachTimes& t) {
  const fs::path reg = dir / "reg", logdir = dir / "logs";
  simdomu::SimDomain dom({reg, kName, kDomid, 4, std::nullopt});
  xebek_rec r = read_record(1000, 0, "bash", 1);
  r.time_ns = realtime_ns();
  const std::uint8_t key = 'k';
  dom.produce(r, {&key, 1});
  const std::string native = lo.dir + "/native.xnl";
  const auto before = fs::file_size(native);
  const std::string attached = "domain " + std::string(kName) + " (id " + std::to_string(kDomid) + ") attached";
  const std::string err = (dir / "xebekd.err").string();
  DaemonProcess d({"--transport", "sim", "--registry", reg.string(), "--logdir", logdir.string()}, err);
  bool seen_attach = false, seen_record = false;
  const bool done = wait_for([&] {
    if (!seen_attach && d.said(attached)) {
      seen_attach = true;
      t.attached_ms = ms_since(d.started());
    }
    std::error_code ec;
    if (!seen_record && fs::file_size(native, ec) > before && !ec) {
      seen_record = true;
      t.first_record_ms = ms_since(d.started());
    }
    return seen_attach && seen_record;
  }, kAttachTimeout_s, 0.5);
  d.stop();
  if (!done) throw std::runtime_error("xebekd did not attach " + std::string(kName) + " with its logs; see " + err);
}

}  // namespace

AttachFigures run_attach(const AttachRun& run) {
  fs::remove_all(run.dir);
  fs::create_directories(run.dir / "logs");
  xebekd::LogOptions lo;
  lo.dir = (run.dir / "logs" / kName).string();
  const fs::path checkpoint = fs::path(lo.dir) / "checkpoint";
  AttachFigures f;
  grow_native_log(lo, run, f);
  for (const bool keep_checkpoint : {true, false}) {
    AttachTimes& out = keep_checkpoint ? f.with_checkpoint : f.without_checkpoint;
    std::vector<double> open_ms, attached_ms, first_ms;
    for (unsigned i = 0; i < std::max(1u, run.repeats); ++i) {
      AttachTimes t;
      // Deleted before each measurement: open() and xebekd write a new one.
      if (!keep_checkpoint) fs::remove(checkpoint);
      time_open(lo, t);
      if (!keep_checkpoint) fs::remove(checkpoint);
      time_daemon(run.dir, lo, t);
      open_ms.push_back(t.open_ms);
      attached_ms.push_back(t.attached_ms);
      first_ms.push_back(t.first_record_ms);
      out.from_checkpoint = t.from_checkpoint;
    }
    out.open_ms = median(open_ms);
    out.attached_ms = median(attached_ms);
    out.first_record_ms = median(first_ms);
  }
  fs::remove_all(run.dir);
  return f;
}

}  // namespace bench
