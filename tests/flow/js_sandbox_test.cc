// The Evaluate JS sandbox: values in and out, the limits, what is taken away, wiping.
#include "flow/js_sandbox.h"

#include <gtest/gtest.h>

#include <string>

#include "flow/json_value.h"

namespace keyline::flow {
namespace {

// Generous limits for tests about behaviour, so a loaded CI machine never trips them.
JsSandbox relaxed() { return JsSandbox(JsLimits{std::chrono::milliseconds(10000), 8 << 20}); }

Result<JsOutcome> run_script(std::string_view script, JsJob job = {}) {
  job.script = script;
  return relaxed().run(job);
}

TEST(JsSandbox, ArithmeticCompletionValue) {
  auto r = run_script("var x = 2; x * 21");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->result, Value::number(42));
  EXPECT_FALSE(r->result.is_private());
}

TEST(JsSandbox, InputsAndOutputsAsJsonValues) {
  JsJob job;
  job.inputs = {
      {"name", Value::string("Ada")},
      {"order", Value::map({{"items", Value::list({Value::number(2), Value::number(3.5)})},
                            {"paid", Value::boolean(false)}})},
      {"session.connection.ani", Value::string("+15551234")},
  };
  job.outputs = {"greeting", "total", "missing", "summary.count"};
  auto r = run_script(
      "var greeting = 'Hi ' + name.toUpperCase();\n"
      "var total = order.items[0] + order.items[1];\n"
      "var summary = {count: order.items.length, ani: session.connection.ani};\n"
      "({ok: !order.paid, list: [1, 'two', null, undefined], when: new Date(0), f: function() {}})",
      job);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->outputs.size(), 4u);
  EXPECT_EQ(r->outputs[0].first, "greeting");
  EXPECT_EQ(r->outputs[0].second, Value::string("Hi ADA"));
  EXPECT_EQ(r->outputs[1].second, Value::number(5.5));
  EXPECT_TRUE(r->outputs[2].second.is_null());
  EXPECT_EQ(r->outputs[3].second, Value::number(2));
  // As JSON.stringify gives it: undefined in a list is null, a Date its ISO text, a function
  // member is left out.
  EXPECT_EQ(r->result.to_json(),
            "{\"ok\":true,\"list\":[1,\"two\",null,null],\"when\":\"1970-01-01T00:00:00.000Z\"}");
}

TEST(JsSandbox, UndefinedResultIsNull) {
  auto r = run_script("var a = 1;");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->result.is_null());
}

TEST(JsSandbox, LibraryFunctionCalledWithArguments) {
  const std::vector<JsLibrary> libraries = {
      {"cards",
       "function luhn(s) {\n"
       "  var sum = 0;\n"
       "  for (var i = 0; i < s.length; i++) {\n"
       "    var d = +s[s.length - 1 - i];\n"
       "    if (i % 2) { d *= 2; if (d > 9) d -= 9; }\n"
       "    sum += d;\n"
       "  }\n"
       "  return sum % 10 === 0;\n"
       "}\n"},
      {"money", "var money = {cents: function(x) { return Math.round(x * 100); }};"}};
  JsJob job;
  job.function = "luhn";
  job.arguments = {Value::string("4111111111111111")};
  auto r = relaxed().run(job, libraries);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->result, Value::boolean(true));
  job.arguments = {Value::string("4111111111111112")};
  r = relaxed().run(job, libraries);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->result, Value::boolean(false));
  job.function = "money.cents";
  job.arguments = {Value::number(12.345)};
  r = relaxed().run(job, libraries);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->result, Value::number(1235));
  // A script sees the libraries too.
  r = relaxed().run(JsJob{.script = "luhn('79927398713') && money.cents(1)"}, libraries);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->result, Value::number(100));
  job.function = "nothing_here";
  r = relaxed().run(job, libraries);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, "js_exception");
  EXPECT_NE(r.error().message.find("'nothing_here' is not a function"), std::string::npos)
      << r.error().message;
}

TEST(JsSandbox, InfiniteLoopStopsAtTheTimeLimit) {
  JsSandbox sandbox(JsLimits{std::chrono::milliseconds(50), 8 << 20});
  for (const char* script : {"for (;;) {}", "while (true) { try { for (;;) {} } catch (e) {} }",
                             "function f() { try { for (;;) {} } finally { f(); } } f();"}) {
    auto r = sandbox.run(JsJob{.script = script});
    ASSERT_FALSE(r) << script;
    EXPECT_EQ(r.error().kind, "js_timeout") << script << ": " << r.error().message;
    EXPECT_EQ(r.error().message, "script: stopped after the CPU time limit of 50 ms");
  }
}

TEST(JsSandbox, MemoryBombStopsAtTheMemoryLimit) {
  JsSandbox sandbox(JsLimits{std::chrono::milliseconds(60000), 1 << 20});
  for (const char* script :
       {"var a = []; for (;;) a.push('item ' + a.length);", "var s = 'x'; for (;;) s = s + s;",
        // Catching the error does not buy more memory (or time).
        "var a = []; for (;;) { try { a.push(new Array(1000)); } catch (e) {} }"}) {
    auto r = sandbox.run(JsJob{.script = script});
    ASSERT_FALSE(r) << script;
    EXPECT_EQ(r.error().kind, "js_memory") << script << ": " << r.error().message;
    EXPECT_EQ(r.error().message, "script: stopped at the memory limit of 1 MiB");
  }
  auto r = JsSandbox(JsLimits{std::chrono::milliseconds(1000), 4096}).run(JsJob{.script = "1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, "js_memory");
}

TEST(JsSandbox, EvalAndFunctionConstructorAreRefused) {
  for (const char* script : {"eval('1 + 1')", "(0, eval)('1 + 1')", "new Function('return 1')()",
                             "Function('return 1')()", "(function() {}).constructor('return 1')()",
                             "Object.getPrototypeOf(function() {}).constructor('return 1')()"}) {
    auto r = run_script(script);
    ASSERT_FALSE(r) << script;
    EXPECT_EQ(r.error().kind, "js_exception") << script;
    EXPECT_NE(r.error().message.find("disabled"), std::string::npos) << r.error().message;
  }
  auto r = run_script(
      "[typeof Duktape, typeof print, typeof alert, typeof require, typeof module,"
      " (function() {}) instanceof Function, JSON.parse('[1]')[0]]");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->result.to_json(),
            "[\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",true,1]");
}

TEST(JsSandbox, SyntaxAndRuntimeErrorsSayWhere) {
  auto r = run_script("var a = 1;\nvar b = 2;\nvar c = ;\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, "js_syntax");
  EXPECT_EQ(r.error().message.rfind("script line 3: SyntaxError", 0), 0u) << r.error().message;
  r = run_script("var a = 1;\nthrow new RangeError('too big');");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, "js_exception");
  EXPECT_EQ(r.error().message, "script line 2: RangeError: too big");
  r = run_script("throw 'plain';");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "script: plain");
  r = relaxed().run(JsJob{.script = "1"}, std::vector<JsLibrary>{{"util", "function (x) {"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, "js_syntax");
  EXPECT_EQ(r.error().message.rfind("library util line 1: SyntaxError", 0), 0u)
      << r.error().message;

  auto syntax = check_js_syntax("var ok = 1;\nvar bad = (;\n");
  ASSERT_TRUE(syntax);
  EXPECT_EQ(syntax->line, 2);
  EXPECT_EQ(syntax->message.rfind("SyntaxError", 0), 0u) << syntax->message;
  EXPECT_EQ(syntax->message.find("(line"), std::string::npos) << syntax->message;
  EXPECT_FALSE(check_js_syntax("for (;;) {}"));  // compiled, never run
}

TEST(JsSandbox, PrivateInputsTaintEverythingAndHideMessages) {
  JsJob job;
  job.inputs = {{"card", Value::string("4111111111111111", true)}, {"n", Value::number(3)}};
  job.outputs = {"last4", "count"};
  auto r = run_script("var last4 = card.slice(-4); var count = n + 1; 'done'", job);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->result.is_private());
  EXPECT_TRUE(r->outputs[0].second.is_private());
  EXPECT_EQ(r->outputs[0].second.as_string(), "1111");
  EXPECT_TRUE(r->outputs[1].second.is_private());  // everything that comes out
  r = run_script("var x = 1;\nthrow new Error('bad card ' + card);", job);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("4111"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message,
            "script line 2: Error was thrown (its message is hidden: the inputs are private)");
}

TEST(JsSandbox, EveryFreedBlockIsWipedAndNothingLeaksBetweenRuns) {
  JsSandbox sandbox = relaxed();
  const std::string secret = "5555444433331111";
  std::size_t blocks = 0, bytes = 0, found = 0;
  sandbox.set_free_observer([&](const unsigned char* data, std::size_t size) {
    ++blocks;
    bytes += size;
    const std::string_view view(reinterpret_cast<const char*>(data), size);
    if (view.find(secret) != std::string_view::npos || view.find("1111333344445555") != view.npos)
      ++found;
    for (std::size_t i = 0; i < size; ++i) found += data[i] != 0 ? 1 : 0;
  });
  JsJob job;
  job.inputs = {{"card", Value::string(secret, true)}};
  job.outputs = {"reversed", "leak"};
  job.script = "var reversed = card.split('').reverse().join(''); var leak = card; card + '!'";
  auto r = sandbox.run(job);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outputs[0].second.as_string(), "1111333344445555");
  EXPECT_GT(blocks, 10u);
  EXPECT_GT(bytes, 10000u);
  EXPECT_EQ(found, 0u);  // not one non-zero byte went back to the C library
  EXPECT_GT(r->peak_memory, 10000u);

  auto second = sandbox.run(JsJob{.script = "typeof leak + ' ' + typeof card"});
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->result, Value::string("undefined undefined"));
}

TEST(JsSandbox, DeepRecursionAndDeepValuesAreErrorsNotCrashes) {
  auto r = run_script("function f(n) { return f(n + 1) + 1; } f(0)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, "js_exception");
  EXPECT_NE(r.error().message.find("RangeError"), std::string::npos) << r.error().message;
  // A result nested deeper than JSON.stringify goes.
  r = run_script("var o = {}; for (var i = 0; i < 5000; i++) o = {a: o}; o");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, "js_exception");
  // A cyclic output.
  JsJob job;
  job.outputs = {"loop"};
  r = run_script("var loop = {}; loop.self = loop; 1", job);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("TypeError"), std::string::npos) << r.error().message;
}

TEST(JsonValue, ParsesStrictJson) {
  auto v =
      parse_json_value(R"({"a": [1, -2.5e2, true, false, null], "s": "x\n\u00e9\ud83d\ude00"})");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->to_json(),
            "{\"a\":[1,-250,true,false,null],\"s\":\"x\\n\xC3\xA9\xF0\x9F\x98\x80\"}");
  EXPECT_FALSE(v->is_private());
  auto p = parse_json_value("[\"pin\"]", true);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->element(0).is_private());
  for (const char* bad : {"", "[1,]", "{\"a\" 1}", "\"open", "01", "[1] 2", "tru", "\"\\x\""}) {
    auto r = parse_json_value(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().kind, "json");
    }
  }
  EXPECT_FALSE(parse_json_value("[[[[1]]]]", false, 2));
}

}  // namespace
}  // namespace keyline::flow
