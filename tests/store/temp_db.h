// A fresh database file in a temp directory of its own, removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/migrations.h"

namespace keyline::store {

class TempDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-repo-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/keyline.db";
    auto db = open_and_migrate(path_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::shared_ptr<Database>(std::move(*db));
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::string path_;
  std::shared_ptr<Database> db_;
};

}  // namespace keyline::store
