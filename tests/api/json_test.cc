#include "api/json.h"

#include <gtest/gtest.h>

namespace keyline::api {
namespace {

TEST(JsonTest, RoundTripsNestedValuesKeepingMemberOrder) {
  auto doc = parse_json(R"({"b":[1,2.5,-3e2,true,null],"a":{"s":"x\"y\\z\n\u00e9\ud83d\ude00"}})");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(
      doc->dump(),
      "{\"b\":[1,2.5,-300,true,null],\"a\":{\"s\":\"x\\\"y\\\\z\\n\xc3\xa9\xf0\x9f\x98\x80\"}}");
  EXPECT_EQ(doc->find("b")->as_array()[0].as_integer(), 1);
  EXPECT_FALSE(doc->find("b")->as_array()[1].as_integer().has_value());
  EXPECT_EQ(doc->find("missing"), nullptr);
}

TEST(JsonTest, RejectsBadInputWithLineAndColumn) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1,\"a\":2}", "01", "1.", "\"\\x\"",
                          "\"\\ud800\"", "tru", "[1] 2", "{\"a\" 1}", "\"a\nb\""}) {
    auto r = parse_json(bad);
    EXPECT_FALSE(r) << "accepted: " << bad;
    if (!r) {
      EXPECT_EQ(r.error().kind, "json");
    }
  }
  auto r = parse_json("{\n  \"a\": tru\n}");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 2, column 8"), std::string::npos) << r.error().message;
}

TEST(JsonTest, CapsNestingDepth) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(parse_json(deep, 32));
  EXPECT_TRUE(parse_json(deep, 200));
}

TEST(JsonTest, EscapesControlCharactersOnOutput) {
  Json j;
  j.set("k", std::string("a\x01") + "b");
  EXPECT_EQ(j.dump(), "{\"k\":\"a\\u0001b\"}");
}

}  // namespace
}  // namespace keyline::api
