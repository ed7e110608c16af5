// A live `xebek-extract | xebek-upload`: records that arrive on a pipe that
// then stays open are committed after a short quiet period, not only when a
// batch fills or the pipe closes; and the batches cut that way leave the
// same rows as one upload of the whole stream.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "upload_test_support.hpp"

namespace upload_test {
namespace {

// The committed record count, waiting up to `limit` for it to reach `want`.
std::string wait_committed(TestDatabase& db, const std::string& want,
                           std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  std::string committed;
  while (std::chrono::steady_clock::now() < until) {
    try {
      committed = db.scalar("SELECT committed_records FROM xebek_upload_progress");
    } catch (const std::exception&) {
      // The uploader has not created its tables yet.
    }
    if (committed == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return committed;
}

TEST(UploadLivePipe, QuietPipeIsCommittedBeforeItCloses) {
  TestDatabase db("live_pipe");
  const std::string stream = read_file(vectors() / "x.expected.sbk");
  const auto at = record_offsets(stream);
  BackgroundUpload bg(db, {"-i", "10.0.0.254", "--create-schema"});

  // Far fewer records than a batch, and the pipe stays open.
  bg.write(stream.substr(0, at[12]));
  // The quiet period is a quarter second; the limit only allows for a
  // loaded machine.
  ASSERT_EQ(wait_committed(db, "12", std::chrono::seconds(20)), "12");
  EXPECT_NE(db.scalar("SELECT COUNT(*) FROM process"), "0");

  // A second quiet stretch, then the rest; the pipe's end commits the tail.
  bg.write(stream.substr(at[12], at[40] - at[12]));
  ASSERT_EQ(wait_committed(db, "40", std::chrono::seconds(20)), "40");
  bg.write(stream.substr(at[40]));
  const RunResult r = bg.finish();
  ASSERT_EQ(r.status, 0) << r.err;
  expect_oracle_tables(db, "x");
  EXPECT_EQ(db.scalar("SELECT committed_offset FROM xebek_upload_progress"),
            std::to_string(stream.size()));
}

}  // namespace
}  // namespace upload_test
