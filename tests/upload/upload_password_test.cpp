// --password-file: the password comes from a file (a systemd credential),
// never from the command line; a wrong or unreadable one is one clear line.
#include <gtest/gtest.h>

#include <fstream>

#include "upload_test_support.hpp"

namespace upload_test {
namespace {

// A user of its own with a password, allowed on `db` only.
void create_user(TestDatabase& db, const std::string& user, const std::string& password) {
  db.session().exec("DROP USER IF EXISTS '" + user + "'@'localhost'");
  db.session().exec("CREATE USER '" + user + "'@'localhost' IDENTIFIED BY '" + password + "'");
  db.session().exec("GRANT ALL ON `" + db.name() + "`.* TO '" + user + "'@'localhost'");
}

std::filesystem::path write_file(const std::string& test, const std::string& text) {
  const auto path = temp_dir(test) / "password";
  std::ofstream(path) << text;
  return path;
}

TEST(UploadPassword, FromFileConnectsAndUploads) {
  TestDatabase db("password_file_ok");
  create_user(db, "xebek_pw", "s3cret word");
  const auto file = write_file("password_file_ok", "s3cret word\n");
  const RunResult r = run_upload(
      db, {"-u", "xebek_pw", "--password-file", file.string(), "--create-schema", "-i", "10.0.0.254"},
      vectors() / "x.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(db.scalar("SELECT COUNT(*) FROM sys_read"), "0");
}

TEST(UploadPassword, WrongPasswordInFileIsRefused) {
  TestDatabase db("password_file_wrong");
  create_user(db, "xebek_pw2", "right");
  const auto file = write_file("password_file_wrong", "wrong\n");
  const RunResult r = run_upload(db, {"-u", "xebek_pw2", "--password-file", file.string()}, "");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Access denied"), std::string::npos) << r.err;
}

TEST(UploadPassword, UnreadableOrEmptyFileIsOneLine) {
  TestDatabase db("password_file_bad");
  const RunResult missing = run_upload(db, {"--password-file", "/nonexistent/password"}, "");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err,
            "xebek-upload: --password-file /nonexistent/password: No such file or directory\n");
  const auto empty = write_file("password_file_bad", "\n");
  const RunResult blank = run_upload(db, {"--password-file", empty.string()}, "");
  EXPECT_EQ(blank.status, 2);
  EXPECT_NE(blank.err.find("the first line is empty"), std::string::npos) << blank.err;
  const RunResult both = run_upload(db, {"-p", "x", "--password-file", empty.string()}, "");
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.err.find("exclude each other"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace upload_test
