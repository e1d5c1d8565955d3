// The recognition thread: jobs run in order off the caller's thread, the engine is made once
// on first use (never when nothing is posted), and a factory that fails gives every job the
// error instead of an engine.
#include "speech/asr_worker.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

namespace keyline::speech {
namespace {

class NamedEngine final : public AsrEngine {
 public:
  Result<std::unique_ptr<AsrSession>> start(const Grammar&, int, const AsrOptions&) override {
    return make_error("asr", "not used");
  }
  std::string_view name() const override { return "named"; }
};

TEST(AsrWorker, MakesTheEngineOnceAndRunsJobsInOrderOffTheCallersThread) {
  int made = 0;
  {
    AsrWorker unused([&made]() -> Result<std::unique_ptr<AsrEngine>> {
      ++made;
      return std::unique_ptr<AsrEngine>(std::make_unique<NamedEngine>());
    });
  }
  EXPECT_EQ(made, 0);  // nothing posted: no model loaded

  AsrWorker worker([&made]() -> Result<std::unique_ptr<AsrEngine>> {
    ++made;
    return std::unique_ptr<AsrEngine>(std::make_unique<NamedEngine>());
  });
  std::vector<int> order;  // written on the worker thread only, read after the last job
  std::promise<std::thread::id> done;
  for (int i = 0; i < 5; ++i) {
    worker.post([&order, i](Result<AsrEngine*> engine) {
      ASSERT_TRUE(engine.ok());
      EXPECT_EQ((*engine)->name(), "named");
      order.push_back(i);
    });
  }
  worker.post([&done](Result<AsrEngine*>) { done.set_value(std::this_thread::get_id()); });
  EXPECT_NE(done.get_future().get(), std::this_thread::get_id());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(made, 1);
}

TEST(AsrWorker, AFailedFactoryGivesEveryJobTheError) {
  int made = 0;
  AsrWorker worker([&made]() -> Result<std::unique_ptr<AsrEngine>> {
    ++made;
    return make_error("asr", "no model at /nowhere");
  });
  std::promise<std::string> first, second;
  worker.post([&first](Result<AsrEngine*> engine) {
    first.set_value(engine.ok() ? "engine" : engine.error().message);
  });
  worker.post([&second](Result<AsrEngine*> engine) {
    second.set_value(engine.ok() ? "engine" : engine.error().message);
  });
  EXPECT_EQ(first.get_future().get(), "no model at /nowhere");
  EXPECT_EQ(second.get_future().get(), "no model at /nowhere");
  EXPECT_EQ(made, 1);  // not retried for every turn
}

}  // namespace
}  // namespace keyline::speech
