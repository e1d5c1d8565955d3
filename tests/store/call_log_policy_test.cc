// The store redacts every caller-influenced text field with the configured
// policy at write time, not only the module results.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/call_log_store.h"

namespace keyline::store {
namespace {

class CallLogPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-store-policy-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/keyline.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string disk_bytes() const {
    std::string all;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      std::ifstream in(entry.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(CallLogPolicyTest, EveryTextFieldIsRedactedWithThePolicy) {
  privacy::RedactionPolicy policy;
  policy.pan_mask = privacy::PanMask::kLast4;
  policy.other_mask = privacy::OtherMask::kPlaceholder;
  auto store = CallLogStore::open(path_, policy);
  ASSERT_TRUE(store) << store.error().message;
  CallRecord r;
  r.call_id = "k1";
  r.sip_call_id = "5555555555554444@peer";
  r.from = "sip:123-45-6789@peer";
  r.to = "sip:100@127.0.0.1";
  r.app = "pay";
  r.exit_reason = "error: card 4111111111111111 declined, cvv 737";
  r.visits = {{"page 6011111111111117", "module 378282246310005", "digits", "4012888888881881"}};
  ASSERT_TRUE((*store)->write(r));
  auto got = (*store)->get("k1");
  ASSERT_TRUE(got && got->has_value());
  const CallRecord& g = **got;
  EXPECT_EQ(g.sip_call_id, "************4444@peer");
  EXPECT_EQ(g.from, "sip:[ssn]@peer");
  EXPECT_EQ(g.exit_reason, "error: card ************1111 declined, cvv [cvv]");
  ASSERT_EQ(g.visits.size(), 1u);
  EXPECT_EQ(g.visits[0].page, "page ************1117");
  EXPECT_EQ(g.visits[0].module, "module ***********0005");
  EXPECT_EQ(g.visits[0].result, "************1881");
  store->reset();
  std::string bytes = disk_bytes();
  for (const char* pan : {"5555555555554444", "4111111111111111", "6011111111111117",
                          "378282246310005", "4012888888881881", "123-45-6789", "737"})
    EXPECT_EQ(bytes.find(pan), std::string::npos) << pan;
}

}  // namespace
}  // namespace keyline::store
