#include "flow/expression.h"

#include <gtest/gtest.h>

#include "flow/variables.h"

namespace keyline::flow {
namespace {

class ExpressionTest : public ::testing::Test {
 protected:
  ExpressionTest() {
    vars.set("pin", "4321", true);
    vars.set("amount", "150");
    vars.set("name", "Ada");
    vars.set("session.connection.ani", "5551234");
    vars.set("account$.termchar", "#");
    vars.set_value(
        "order", Value::map({{"items", Value::list({Value::string("tea"), Value::string("cake")})},
                             {"total", Value::number(7.5)}}));
    vars.set_value("card", Value::map({{"pan", Value::string("4111111111111111")}}, true));
    vars.set_value("public_list", Value::list({Value::number(10), Value::number(20)}));
  }

  Value eval(std::string_view text) {
    auto e = Expression::parse(text);
    EXPECT_TRUE(e.ok()) << text << ": " << (e.ok() ? "" : e.error().message);
    if (!e) return Value();
    auto v = e->evaluate(vars);
    EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.error().message);
    return v ? *v : Value();
  }

  std::string eval_error(std::string_view text) {
    auto e = Expression::parse(text);
    if (!e) return "parse: " + e.error().message;
    auto v = e->evaluate(vars);
    if (v) return "no error";
    return v.error().message;
  }

  Variables vars;
};

TEST_F(ExpressionTest, Literals) {
  EXPECT_EQ(eval("42"), Value::number(42));
  EXPECT_EQ(eval("4.25"), Value::number(4.25));
  EXPECT_EQ(eval_error("'it''s'"), "parse: at character 5: unexpected character '''");
}

TEST_F(ExpressionTest, LiteralsOfEveryKind) {
  EXPECT_EQ(eval("\"a\\\"b\""), Value::string("a\"b"));
  EXPECT_EQ(eval("true"), Value::boolean(true));
  EXPECT_TRUE(eval("null").is_null());
  EXPECT_EQ(eval("[1, 'x']").to_text(), "[1,\"x\"]");
  EXPECT_EQ(eval("{a: 1, 'b c': [true]}").to_text(), "{\"a\":1,\"b c\":[true]}");
}

TEST_F(ExpressionTest, VariablesAndPaths) {
  EXPECT_EQ(eval("name"), Value::string("Ada"));
  EXPECT_EQ(eval("session.connection.ani"), Value::string("5551234"));
  EXPECT_EQ(eval("account$.termchar"), Value::string("#"));
  EXPECT_EQ(eval("order.items[1]"), Value::string("cake"));
  EXPECT_EQ(eval("order['total']"), Value::number(7.5));
  EXPECT_EQ(eval("order.items[len(order.items) - 1]"), Value::string("cake"));
  EXPECT_TRUE(eval("order.items[5]").is_null());
  EXPECT_TRUE(eval("nobody.knows").is_null());
}

TEST_F(ExpressionTest, Arithmetic) {
  EXPECT_EQ(eval("1 + 2 * 3"), Value::number(7));
  EXPECT_EQ(eval("(1 + 2) * 3"), Value::number(9));
  EXPECT_EQ(eval("7 % 3"), Value::number(1));
  EXPECT_EQ(eval("-amount / 3"), Value::number(-50));
  EXPECT_EQ(eval("amount - 50"), Value::number(100));  // keys pressed are numeric strings
  EXPECT_EQ(eval_error("1 / 0"), "division by zero");
  EXPECT_EQ(eval_error("name * 2"), "'*' cannot combine a string and a number");
}

TEST_F(ExpressionTest, ConcatenationWithPlus) {
  EXPECT_EQ(eval("'Hi ' + name"), Value::string("Hi Ada"));
  EXPECT_EQ(eval("amount + 1"), Value::string("1501"));  // a string on either side joins
  EXPECT_EQ(eval("number(amount) + 1"), Value::number(151));
  EXPECT_EQ(eval("'total ' + order.total"), Value::string("total 7.5"));
}

TEST_F(ExpressionTest, Comparison) {
  EXPECT_EQ(eval("amount == 150"), Value::boolean(true));
  EXPECT_EQ(eval("amount > 99"), Value::boolean(true));
  EXPECT_EQ(eval("'9' > '100'"), Value::boolean(true));  // two strings compare as text
  EXPECT_EQ(eval("name != 'Ada'"), Value::boolean(false));
  EXPECT_EQ(eval("1 <= 1 && 2 >= 3"), Value::boolean(false));
  EXPECT_EQ(eval("null == null"), Value::boolean(true));
  EXPECT_EQ(eval("true == 1"), Value::boolean(false));
  EXPECT_EQ(eval_error("order < 3"), "'<' cannot combine a map and a number");
}

TEST_F(ExpressionTest, LogicShortCircuits) {
  EXPECT_EQ(eval("false && 1 / 0"), Value::boolean(false));
  EXPECT_EQ(eval("true || 1 / 0"), Value::boolean(true));
  EXPECT_EQ(eval("!name"), Value::boolean(false));
  EXPECT_EQ(eval("!!''"), Value::boolean(false));
  EXPECT_EQ(eval("0 || 'x'"), Value::boolean(true));
}

TEST_F(ExpressionTest, Functions) {
  EXPECT_EQ(eval("len(name)"), Value::number(3));
  EXPECT_EQ(eval("len(order.items)"), Value::number(2));
  EXPECT_EQ(eval("substr('abcdef', 1, 3)"), Value::string("bcd"));
  EXPECT_EQ(eval("substr('abcdef', -2)"), Value::string("ef"));
  EXPECT_EQ(eval("substr('abc', 10)"), Value::string(""));
  EXPECT_EQ(eval("contains('hello', 'ell')"), Value::boolean(true));
  EXPECT_EQ(eval("contains(order.items, 'tea')"), Value::boolean(true));
  EXPECT_EQ(eval("contains(order, 'total')"), Value::boolean(true));
  EXPECT_EQ(eval("upper(name) + lower('X')"), Value::string("ADAx"));
  EXPECT_EQ(eval("number('2.5') * 2"), Value::number(5));
  EXPECT_EQ(eval("string(2.5) + '!'"), Value::string("2.5!"));
  EXPECT_EQ(eval_error("number('abc')"), "number() was given a string that is not a number");
  EXPECT_EQ(eval_error("substr('abc', 1.5)"), "substr() needs a whole-number start, not a number");
  EXPECT_EQ(eval_error("len(1)"), "len() needs a string, list or map, not a number");
}

TEST_F(ExpressionTest, ParseErrorsSayWhereAndNeverQuoteText) {
  EXPECT_EQ(eval_error("1 +"), "parse: at character 4: the expression ends too early");
  EXPECT_EQ(eval_error("(1"), "parse: at character 3: expected ')'");
  EXPECT_EQ(eval_error("'abc"), "parse: at character 5: unterminated string");
  EXPECT_EQ(eval_error("frob(1)"),
            "parse: at character 8: unknown function 'frob' (known: len, substr, contains, "
            "upper, lower, number, string)");
  EXPECT_EQ(eval_error("len(1, 2)"), "parse: at character 10: len() takes 1 argument");
  EXPECT_EQ(eval_error("1 2"), "parse: at character 3: unexpected character '?'");
  EXPECT_EQ(eval_error("a = 1"), "parse: at character 3: unexpected character '='");
  EXPECT_EQ(eval_error(std::string(100, '(') + "1" + std::string(100, ')')),
            "parse: at character 65: the expression is nested too deeply");
  EXPECT_FALSE(Expression::parse(std::string(5000, '1')).ok());
}

TEST_F(ExpressionTest, EvaluationErrorsNeverQuoteValues) {
  // pin is private: the message says what went wrong, not what the pin was.
  const std::string message = eval_error("number(pin + 'x')");
  EXPECT_EQ(message.find("4321"), std::string::npos);
  EXPECT_NE(message, "no error");
}

// Taint: every expression form over a private operand gives a private result.
TEST_F(ExpressionTest, TaintThroughEveryForm) {
  const char* private_forms[] = {
      "pin",
      "card.pan",
      "card['pan']",
      "public_list[len(pin) - 4]",  // a private index chooses the element
      "!pin",
      "-pin",
      "pin + 1",
      "pin - 1",
      "pin * 2",
      "pin / 2",
      "pin % 2",
      "'PIN ' + pin",
      "pin == '4321'",
      "pin != 1",
      "pin < 5000",
      "pin > 5000",
      "pin <= 1",
      "pin >= 1",
      "pin && true",
      "true && pin",
      "pin || false",
      "false || pin",
      "pin || 1 / 0",   // short-circuited on a private left side
      "!pin && false",  // short-circuited too
      "len(pin)",
      "substr(pin, 0, 2)",
      "contains(pin, '4')",
      "contains(['a'], pin)",
      "upper(pin)",
      "lower(pin)",
      "number(pin)",
      "string(pin)",
      "[1, pin]",
      "{k: pin}",
      "(pin)",
      "len(card.pan) == 16",
  };
  for (const char* text : private_forms) {
    EXPECT_TRUE(eval(text).is_private()) << text;
    EXPECT_EQ(eval(text).to_log(), "[private]") << text;
  }
}

TEST_F(ExpressionTest, NoTaintWithoutPrivateOperands) {
  for (const char* text : {"amount + 1", "name == 'Ada'", "len(order.items)", "[1, 2]",
                           "public_list[0]", "true || pin"}) {
    // `true || pin` never reads pin: its value cannot depend on it.
    EXPECT_FALSE(eval(text).is_private()) << text;
  }
}

TEST_F(ExpressionTest, VariablesReadForFlowAnalysis) {
  auto e = Expression::parse("order.items[idx] + len(session.connection.ani) + x$.termchar");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(
      e->variables_read(),
      (std::vector<std::string>{"order.items", "idx", "session.connection.ani", "x$.termchar"}));
}

TEST_F(ExpressionTest, ParsedExpressionIsReusable) {
  auto e = Expression::parse("amount * 2");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->evaluate(vars)->to_text(), "300");
  vars.set("amount", "4");
  EXPECT_EQ(e->evaluate(vars)->to_text(), "8");
  EXPECT_EQ(e->text(), "amount * 2");
}

}  // namespace
}  // namespace keyline::flow
