// POST /v1/privacy/memory-scan through ApiService: the test process is the
// server here, so the scan reads this process's memory.
#include <gtest/gtest.h>

#include <memory>

#include "api_fixture.h"
#include "base/base64.h"
#include "base/secure_random.h"
#include "base/secure_wipe.h"
#include "privacy/memory_scan.h"

namespace keyline::api {
namespace {

using MemoryScanApiTest = ApiFixture;

// Random halves: the value (their XOR) exists nowhere until a test plants it.
struct Halves {
  std::vector<std::uint8_t> masked, key;
  explicit Halves(std::size_t n) : masked(n), key(n) {
    EXPECT_TRUE(fill_secure_random(masked));
    EXPECT_TRUE(fill_secure_random(key));
  }
  std::string json(const std::string& label) const {
    return "{\"label\":\"" + label + "\",\"masked\":\"" + base64_encode(masked) + "\",\"key\":\"" +
           base64_encode(key) + "\"}";
  }
};

void keep(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

TEST_F(MemoryScanApiTest, CountsAPlantedValueAndNeverFormsTheOthers) {
  Halves planted_value(32), absent_value(32);
  auto planted = std::make_unique<std::uint8_t[]>(256);
  for (std::size_t i = 0; i < 32; ++i)
    planted[100 + i] = planted_value.masked[i] ^ planted_value.key[i];
  keep(planted.get());

  Request r;
  r.method = "POST";
  r.path = "/v1/privacy/memory-scan";
  r.authorization = "Bearer " + admin_;
  r.content_type = "application/json";
  r.body = "{\"probes\":[" + planted_value.json("planted") + "," + absent_value.json("absent") +
           "],\"time_limit_ms\":600000}";
  Response resp = service_->handle(r);
  ASSERT_EQ(resp.status, 200) << resp.body;
  auto body = parse_json(resp.body);
  ASSERT_TRUE(body);
  const auto& results = body->find("results")->as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].find("label")->as_string(), "planted");
  EXPECT_GE(*results[0].find("hits")->as_integer(), 1);
  // The handler decoded the halves and scanned with them: had it formed the
  // value anywhere, its own scan would have found it.
  EXPECT_EQ(*results[1].find("hits")->as_integer(), 0);
  EXPECT_TRUE(body->find("complete")->as_bool());
  EXPECT_GT(*body->find("bytes_scanned")->as_integer(), 0);
  EXPECT_TRUE(r.body.empty()) << "the request body was not wiped";

  // Nor is it anywhere once the request is over (buffers freed without a wipe
  // would still hold it).
  std::vector<privacy::MaskedProbe> probes{{absent_value.masked, absent_value.key}};
  auto after = privacy::scan_own_memory(probes);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->hits[0], 0u);

  auto audit = audit_->recent(5);
  ASSERT_TRUE(audit);
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->front().action, "privacy.memory_scan");
  EXPECT_EQ(audit->front().actor, "admin@example.com");
  wipe_bytes(planted.get(), 256);
  keep(planted.get());
}

TEST_F(MemoryScanApiTest, AdminOnly) {
  Halves v(8);
  std::string body = "{\"probes\":[" + v.json("x") + "]}";
  EXPECT_EQ(call("POST", "/v1/privacy/memory-scan", "", body).status, 401);
  EXPECT_EQ(call("POST", "/v1/privacy/memory-scan", viewer_, body).status, 403);
  EXPECT_EQ(call("POST", "/v1/privacy/memory-scan", developer_, body).status, 403);
}

TEST_F(MemoryScanApiTest, RefusesBadProbesWithEveryProblem) {
  Halves v(8);
  auto bad = [&](const std::string& body) {
    return call("POST", "/v1/privacy/memory-scan", admin_, body).status;
  };
  EXPECT_EQ(bad("{\"probes\":[]}"), 422);
  EXPECT_EQ(bad("{\"probes\":[{\"label\":\"x\",\"masked\":\"AAAA\",\"key\":\"AAAAAAAA\"}]}"), 422);
  EXPECT_EQ(bad("{\"probes\":[{\"label\":\"x\",\"masked\":\"!!\",\"key\":\"!!\"}]}"), 422);
  EXPECT_EQ(bad("{\"probes\":[{\"label\":\"x\",\"masked\":\"AA==\",\"key\":\"AA==\"}]}"), 422);
  EXPECT_EQ(bad("{\"probes\":[" + v.json("x") + "],\"time_limit_ms\":0}"), 422);
  EXPECT_EQ(bad("{\"probes\":[" + v.json("x") + "],\"extra\":1}"), 422);
  std::string with_boundary = v.json("x");
  with_boundary.insert(with_boundary.size() - 1, ",\"boundary\":\"sideways\"");
  EXPECT_EQ(bad("{\"probes\":[" + with_boundary + "]}"), 422);
  EXPECT_EQ(bad("{\"probes\":"), 400);
}

}  // namespace
}  // namespace keyline::api
