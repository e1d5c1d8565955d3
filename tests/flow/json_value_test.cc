#include "flow/json_value.h"

#include <gtest/gtest.h>

namespace keyline::flow {
namespace {

TEST(JsonValue, ParsesEveryKind) {
  auto v = parse_json_value(R"( {"s": "a\"b\\c\u00e9\ud83d\ude00", "n": -1.5e2, "t": true,
    "f": false, "z": null, "l": [1, [2], {}], "e": ""} )");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->member("s").as_string(), "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(v->member("n").as_number(), -150);
  EXPECT_TRUE(v->member("t").as_bool());
  EXPECT_FALSE(v->member("f").as_bool());
  EXPECT_TRUE(v->member("z").is_null());
  EXPECT_EQ(v->member("l").as_list().size(), 3u);
  EXPECT_EQ(v->member("e").as_string(), "");
  EXPECT_FALSE(v->is_private());
}

TEST(JsonValue, PrivateTaintsEveryPart) {
  auto v = parse_json_value(R"({"a": [1, "x"]})", true);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_private());
  EXPECT_TRUE(v->member("a").element(1).is_private());
}

TEST(JsonValue, ErrorsNameAPositionNeverTheText) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01x", "\"abc", "tru", "[1] 2",
                          "\"\\ud800\"", "\"\\x\"", "{\"a\":1,}", "\"a\nb\"", "1e", "-"}) {
    auto v = parse_json_value(bad);
    EXPECT_FALSE(v) << bad;
    if (!v) {
      EXPECT_NE(v.error().message.find("at byte"), std::string::npos) << bad;
    }
  }
  auto secret = parse_json_value("{\"card\": 4111111111111111x}");
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().message.find("4111"), std::string::npos);
}

TEST(JsonValue, NestingIsBounded) {
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  EXPECT_FALSE(parse_json_value(deep));
  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json_value(ok));
}

TEST(JsonValue, RepeatedKeyKeepsTheLast) {
  auto v = parse_json_value(R"({"a": 1, "a": 2})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->as_map().size(), 1u);
  EXPECT_EQ(v->member("a").as_number(), 2);
}

TEST(CsvValue, RowsByHeaderAndQuotes) {
  auto v = parse_csv_value("a,b\n1,\"x \"\"y\"\"\"\n\n2\n");
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(v->as_list().size(), 2u);
  EXPECT_EQ(v->element(0).member("b").as_string(), "x \"y\"");
  EXPECT_EQ(v->element(1).member("a").as_string(), "2");
  EXPECT_EQ(v->element(1).member("b").as_string(), "");  // a short row fills with ""
  EXPECT_FALSE(parse_csv_value("a\n\"open"));
}

}  // namespace
}  // namespace keyline::flow
