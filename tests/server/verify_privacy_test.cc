#include "server/verify_privacy.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace keyline::server {
namespace {

bool has_form(const std::vector<ProbeForm>& forms, const std::string& bytes) {
  return std::any_of(forms.begin(), forms.end(), [&](const auto& f) { return f.bytes == bytes; });
}

std::string utf16(const std::string& s) {
  std::string out;
  for (char c : s) out += std::string{c, '\0'};
  return out;
}

TEST(ProbeForms, CardInEveryFormAndNoLabelHoldsTheDigits) {
  auto forms = probe_forms("card", "4111111111111111");
  for (const char* f :
       {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111", "1111111"})
    EXPECT_TRUE(has_form(forms, f)) << f;
  EXPECT_TRUE(has_form(forms, utf16("4111 1111 1111 1111")));
  for (const auto& f : forms) {
    EXPECT_EQ(f.label.find("1111"), std::string::npos) << f.label;
    EXPECT_EQ(f.boundary, privacy::DigitBoundary::kNone);
    // Pieces are for files only: a 7-digit run in memory is too often chance.
    EXPECT_EQ(f.in_memory, f.label.find("piece") == std::string::npos) << f.label;
  }
  auto amex = probe_forms("amex", "378282246310005");
  EXPECT_TRUE(has_form(amex, "3782 822463 10005"));
  EXPECT_TRUE(has_form(amex, "3782-822463-10005"));
}

TEST(ProbeForms, ShortValuesMatchAsWholeNumbersOnly) {
  auto expiry = probe_forms("expiry", "1227");
  for (const char* f : {"1227", "12/27", "12-27", "12 27"}) EXPECT_TRUE(has_form(expiry, f)) << f;
  for (const auto& f : expiry) EXPECT_NE(f.boundary, privacy::DigitBoundary::kNone) << f.label;
  auto cvv = probe_forms("cvv", "919");
  EXPECT_EQ(cvv.size(), 2u);  // ASCII and UTF-16
}

class ScanFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-vp-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    std::ofstream(dir_ + "/" + name, std::ios::binary) << content;
  }
  std::string dir_;
};

TEST_F(ScanFilesTest, FindsEachFormInNestedAndBinaryFiles) {
  write("clean.log", "card 411111******1111 cvv [cvv] port 20919\n");
  write("sub/deep/record.bin", std::string("\x00\x01", 2) + utf16("4111-1111-1111-1111") + "\xff");
  write("piece.txt", "ref 1111111 end");
  write("cvv.txt", "code: 919.");
  auto forms = probe_forms("card", "4111111111111111");
  for (auto& f : probe_forms("cvv", "919")) forms.push_back(f);
  auto report = scan_files({dir_}, forms);
  EXPECT_EQ(report.files, 4u);
  EXPECT_TRUE(report.unreadable.empty());
  std::ostringstream hits;
  for (const auto& h : report.hits) hits << h.path.substr(dir_.size()) << ": " << h.label << "\n";
  EXPECT_EQ(hits.str(),
            "/cvv.txt: cvv plain\n"
            "/piece.txt: card piece 2-8\n"
            "/sub/deep/record.bin: card dashed utf16\n");
}

TEST_F(ScanFilesTest, FindsAValueAcrossTheReadChunkBoundary) {
  // The reader takes 1 MiB at a time: put the card across the first edge.
  std::string big((1 << 20) - 5, 'x');
  write("big.db", big + "4111111111111111" + std::string(100, 'y'));
  auto report = scan_files({dir_ + "/big.db"}, probe_forms("card", "4111111111111111"));
  EXPECT_EQ(report.files, 1u);
  ASSERT_FALSE(report.hits.empty());
  EXPECT_EQ(report.hits[0].label, "card plain");
  EXPECT_EQ(report.hits[0].count, 1u);
}

TEST_F(ScanFilesTest, MissingRootsAreSkippedAndCleanFilesPass) {
  write("a.txt", "nothing here 1234");
  auto report = scan_files({dir_, dir_ + "/absent"}, probe_forms("card", "4111111111111111"));
  EXPECT_EQ(report.files, 1u);
  EXPECT_TRUE(report.hits.empty());
}

}  // namespace
}  // namespace keyline::server
