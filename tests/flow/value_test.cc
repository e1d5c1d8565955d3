#include "flow/value.h"

#include <gtest/gtest.h>

#include "flow/variables.h"

namespace keyline::flow {
namespace {

TEST(Value, KindsAndText) {
  EXPECT_EQ(Value().to_text(), "");
  EXPECT_EQ(Value::boolean(true).to_text(), "true");
  EXPECT_EQ(Value::number(12).to_text(), "12");
  EXPECT_EQ(Value::number(2.5).to_text(), "2.5");
  EXPECT_EQ(Value::number(0.1 + 0.2).to_text(), "0.30000000000000004");
  EXPECT_EQ(Value::string("hi").to_text(), "hi");
  EXPECT_EQ(Value::list({Value::number(1), Value::string("a")}).to_text(), "[1,\"a\"]");
  EXPECT_EQ(Value::map({{"k", Value()}}).to_text(), "{\"k\":null}");
  EXPECT_EQ(Value::string("x").kind_name(), "string");
}

TEST(Value, PrivateRendersAsPlaceholderInLogsOnly) {
  const Value pin = Value::string("4321", true);
  EXPECT_EQ(pin.to_log(), "[private]");
  EXPECT_EQ(pin.to_text(), "4321");  // the caller may hear it
  EXPECT_EQ(pin.to_json(), "\"[private]\"");
  EXPECT_EQ(Value::string("4321").to_log(), "4321");
}

TEST(Value, TaintSurvivesCopiesAndMoves) {
  const Value pin = Value::string("4321", true);
  Value copy = pin;
  EXPECT_TRUE(copy.is_private());
  Value assigned;
  assigned = copy;
  EXPECT_TRUE(assigned.is_private());
  Value moved = std::move(assigned);
  EXPECT_TRUE(moved.is_private());
  moved.taint(false);  // taint never comes off
  EXPECT_TRUE(moved.is_private());
}

TEST(Value, ContainerWithPrivateElementIsPrivateAndElementsOfPrivateContainerToo) {
  const Value list = Value::list({Value::string("a"), Value::string("4111", true)});
  EXPECT_TRUE(list.is_private());
  EXPECT_EQ(list.to_log(), "[private]");
  const Value secret_map = Value::map({{"last4", Value::string("1111")}}, true);
  EXPECT_TRUE(secret_map.member("last4").is_private());
  EXPECT_EQ(secret_map.member("last4").to_text(), "1111");
  // A map holding a private member is private as a whole.
  const Value inner = Value::map({{"pan", Value::string("4111", true)}});
  EXPECT_EQ(inner.to_json(), "\"[private]\"");
  EXPECT_EQ(inner.to_json(true), "{\"pan\":\"4111\"}");
}

TEST(Value, MemberAndElementOutOfRangeAreNull) {
  const Value list = Value::list({Value::number(1)});
  EXPECT_TRUE(list.element(1).is_null());
  EXPECT_TRUE(list.element(-1).is_null());
  EXPECT_TRUE(list.member("x").is_null());
  EXPECT_EQ(list.element(0), Value::number(1));
  EXPECT_TRUE(Value::list({}, true).element(3).is_private());  // even "not found" is private
}

TEST(Value, Truthiness) {
  EXPECT_FALSE(Value().truthy());
  EXPECT_FALSE(Value::number(0).truthy());
  EXPECT_FALSE(Value::string("").truthy());
  EXPECT_FALSE(Value::list({}).truthy());
  EXPECT_TRUE(Value::string("0").truthy());
  EXPECT_TRUE(Value::number(-1).truthy());
}

TEST(Value, JsonEscapes) {
  EXPECT_EQ(Value::string("a\"b\\c\n\x01").to_json(), "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(Value, AssigningAPartOfItselfKeepsThePart) {
  Value v = Value::list({Value::string("inner", true), Value::number(2)});
  v = v.as_list()[0];
  EXPECT_EQ(v, Value::string("inner"));
  EXPECT_TRUE(v.is_private());
}

TEST(Value, WipeLeavesNull) {
  Value v = Value::map({{"k", Value::string("secret")}});
  v.wipe();
  EXPECT_TRUE(v.is_null());
}

TEST(Value, ParseAndFormatNumbers) {
  EXPECT_EQ(parse_number(" 12 "), 12.0);
  EXPECT_EQ(parse_number("+1.5"), 1.5);
  EXPECT_EQ(parse_number(""), 0.0);
  EXPECT_FALSE(parse_number("12a").has_value());
  EXPECT_FALSE(parse_number("+").has_value());
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(1e21), "1e+21");
}

TEST(Variables, StoreValuesWithTaint) {
  Variables vars;
  vars.set_value("order", Value::map({{"total", Value::number(12.5)}}));
  ASSERT_NE(vars.find("order"), nullptr);
  EXPECT_EQ(vars.get("order"), "{\"total\":12.5}");
  EXPECT_FALSE(vars.is_private("order"));
  vars.set_value("derived", Value::string("x", true));
  EXPECT_TRUE(vars.is_private("derived"));
  vars.set_value("marked", Value::number(1), true);
  EXPECT_TRUE(vars.find("marked")->is_private());
}

}  // namespace
}  // namespace keyline::flow
