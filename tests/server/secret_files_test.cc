#include "server/secret_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace keyline::server {
namespace {

class SecretFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-secrets-XXXXXX";
    dir_ = mkdtemp(tmpl);  // 0700
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text, mode_t mode) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::string dir_;
};

TEST_F(SecretFilesTest, ReadableByOthersNeedsTheModeAndAWayIn) {
  std::string open_file = write("open.pw", "pw\n", 0644);
  std::string closed_file = write("closed.pw", "pw\n", 0600);
  // Inside a 0700 directory nobody else gets to the 0644 file.
  EXPECT_FALSE(*readable_by_others(open_file));
  ::chmod(dir_.c_str(), 0755);
  EXPECT_TRUE(*readable_by_others(open_file));
  EXPECT_FALSE(*readable_by_others(closed_file));
  EXPECT_FALSE(readable_by_others(dir_ + "/absent"));
}

TEST_F(SecretFilesTest, TheConfigFileCountsOnlyWhenAPasswordIsWrittenInIt) {
  std::string pw = write("bob.pw", "secret\n", 0644);
  ::setenv("KEYLINE_SECRET_FILES_TEST_PW", "x", 1);
  auto literal = parse_config(
      "sip:\n  auth:\n    realm: r\n    users:\n      - {user: a, password: hunter2}\n",
      dir_ + "/keyline.yaml", dir_);
  ASSERT_TRUE(literal) << literal.error().message;
  auto files = secret_files(*literal);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, dir_ + "/keyline.yaml");

  auto indirect = parse_config(
      "sip:\n  auth:\n    realm: r\n    users:\n"
      "      - {user: a, password: \"env:KEYLINE_SECRET_FILES_TEST_PW\"}\n"
      "      - {user: b, password: \"file:bob.pw\"}\n",
      dir_ + "/keyline.yaml", dir_);
  ASSERT_TRUE(indirect) << indirect.error().message;
  files = secret_files(*indirect);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, pw);
  EXPECT_TRUE(secret_files(default_config()).empty());
}

TEST_F(SecretFilesTest, ARegistrationPasswordFileIsChecked) {
  std::string pw = write("carrier.pw", "secret\n", 0644);
  auto config = parse_config(
      "sip:\n  register:\n    registrar: \"sip:192.0.2.10\"\n    aor: \"sip:1@x\"\n"
      "    username: u\n    password: \"file:carrier.pw\"\n",
      dir_ + "/keyline.yaml", dir_);
  ASSERT_TRUE(config) << config.error().message;
  auto files = secret_files(*config);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, pw);
}

TEST_F(SecretFilesTest, RefusesNamingTheFileAndTheFix) {
  ::chmod(dir_.c_str(), 0755);
  std::string config = write("keyline.yaml", "sip: {}\n", 0644);
  auto st = check_secret_files({{config, "sip.auth passwords"}});
  ASSERT_FALSE(st);
  EXPECT_EQ(
      st.error().message,
      config + " holds sip.auth passwords and is readable by other users: chmod 600 " + config);
  EXPECT_EQ(st.error().message.find("hunter2"), std::string::npos);
  ::chmod(config.c_str(), 0600);
  EXPECT_TRUE(check_secret_files({{config, "sip.auth passwords"}}));
  EXPECT_TRUE(check_secret_files({{dir_ + "/absent.pem", "a key"}}));  // reported by its reader
}

}  // namespace
}  // namespace keyline::server
