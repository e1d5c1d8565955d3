#include "server/trunk_hosts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace keyline::server {
namespace {

// Collects what the resolver reports, from its thread.
struct Reports {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<HostAddresses> seen;

  TrunkHostResolver::Done done() {
    return [this](const HostAddresses& found) {
      std::lock_guard lock(mutex);
      seen.push_back(found);
      changed.notify_all();
    };
  }
  // Generous: the machine may be loaded; a pass takes microseconds.
  HostAddresses wait_for(std::size_t count) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, std::chrono::seconds(30), [&] { return seen.size() >= count; });
    return seen.size() >= count ? seen[count - 1] : HostAddresses{};
  }
};

TEST(TrunkHostResolver, ResolvesOnItsThreadAndKeepsAddressesThroughAFailedLookup) {
  std::mutex answers_mutex;
  std::map<std::string, std::vector<std::string>> answers{{"a.example", {"192.0.2.1"}},
                                                          {"b.example", {"192.0.2.2"}}};
  Reports reports;
  TrunkHostResolver resolver([&](const std::string& name) {
    std::lock_guard lock(answers_mutex);
    return answers[name];
  });
  resolver.resolve({"a.example", "b.example"}, reports.done());
  auto first = reports.wait_for(1);
  EXPECT_EQ(first, (HostAddresses{{"a.example", {"192.0.2.1"}}, {"b.example", {"192.0.2.2"}}}));
  {
    std::lock_guard lock(answers_mutex);
    answers["a.example"] = {"192.0.2.9"};  // moved
    answers["b.example"] = {};             // DNS failed this time
  }
  resolver.resolve({"a.example", "b.example", "new.example"}, reports.done());
  auto second = reports.wait_for(2);
  EXPECT_EQ(second,
            (HostAddresses{
                {"a.example", {"192.0.2.9"}}, {"b.example", {"192.0.2.2"}}, {"new.example", {}}}));
}

TEST(TrunkHostResolver, SystemLookupFindsLocalhost) {
  // getaddrinfo answers from /etc/hosts when no DNS server does: no network needed.
  auto lookup = TrunkHostResolver::system_lookup();
  auto found = lookup("localhost");
  EXPECT_NE(std::find(found.begin(), found.end(), "127.0.0.1"), found.end());
}

}  // namespace
}  // namespace keyline::server
