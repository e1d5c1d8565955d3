#include "store/call_log_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/call_log_writer.h"

namespace keyline::store {
namespace {

class CallLogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-store-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/keyline.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CallRecord sample(std::string id, std::int64_t start) {
    CallRecord r;
    r.call_id = std::move(id);
    r.sip_call_id = "abc@host";
    r.from = "sip:alice@example.com";
    r.to = "sip:100@127.0.0.1";
    r.app = "demo";
    r.start_unix_ms = start;
    r.answer_unix_ms = start + 10;
    r.end_unix_ms = start + 5000;
    r.exit_reason = "exit_module";
    r.visits = {{"main", "greeting", "prompt", "next"}, {"main", "main_menu", "menu", "1"}};
    return r;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(CallLogStoreTest, WritesAndReadsBack) {
  auto store = CallLogStore::open(path_);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->write(sample("c1", 1000)));
  ASSERT_TRUE((*store)->write(sample("c2", 2000)));
  auto got = (*store)->get("c1");
  ASSERT_TRUE(got);
  ASSERT_TRUE(got->has_value());
  const CallRecord& r = **got;
  EXPECT_EQ(r.app, "demo");
  EXPECT_EQ(r.exit_reason, "exit_module");
  ASSERT_EQ(r.visits.size(), 2u);
  EXPECT_EQ(r.visits[1].module, "main_menu");
  EXPECT_EQ(r.visits[1].result, "1");
  auto list = (*store)->list(10);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].call_id, "c2");  // newest first
  auto missing = (*store)->get("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_F(CallLogStoreTest, DuplicateIdIsAnErrorAndWritesNothing) {
  auto store = CallLogStore::open(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->write(sample("c1", 1000)));
  CallRecord dup = sample("c1", 3000);
  dup.visits.push_back({"p", "m", "prompt", "x"});
  EXPECT_FALSE((*store)->write(dup));
  auto got = (*store)->get("c1");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((**got).visits.size(), 2u);
}

TEST_F(CallLogStoreTest, SensitiveValuesAreMaskedOnDisk) {
  auto store = CallLogStore::open(path_);
  ASSERT_TRUE(store);
  CallRecord r = sample("c3", 1000);
  r.visits.push_back({"pay", "card", "digits", "success:4111111111111111"});
  ASSERT_TRUE((*store)->write(r));
  store->reset();
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("4111111111111111"), std::string::npos) << entry.path();
  }
  auto reopened = CallLogStore::open(path_);
  ASSERT_TRUE(reopened);
  auto got = (*reopened)->get("c3");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((**got).visits.back().result, "success:411111******1111");
}

TEST_F(CallLogStoreTest, WriterDrainsOnFlush) {
  auto store = CallLogStore::open(path_);
  ASSERT_TRUE(store);
  int errors = 0;
  {
    CallLogWriter writer(std::move(*store), [&](const Error&) { ++errors; });
    for (int i = 0; i < 20; ++i) writer.enqueue(sample("w" + std::to_string(i), i));
    writer.flush();
  }
  EXPECT_EQ(errors, 0);
  auto reopened = CallLogStore::open(path_);
  ASSERT_TRUE(reopened);
  auto list = (*reopened)->list(100);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 20u);
}

}  // namespace
}  // namespace keyline::store
