// Go To App: the loader's checks, and sub-apps run through the real interpreter with a host
// that serves app documents (variables in and out, privacy, errors, depth, revisions).
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>

#include "fake_flow_host.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;

std::shared_ptr<const AppDocument> app_of(const std::string& json) {
  auto app = parse_app(json, "app.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return std::make_shared<const AppDocument>(app.ok() ? std::move(app).value() : AppDocument{});
}

// A host with a shelf of apps; `loads` counts the host's lookups.
class AppHost : public FakeFlowHost {
 public:
  Result<std::shared_ptr<const AppDocument>> load_app(std::string_view name,
                                                      int revision) override {
    ++loads;
    requested_revision = revision;
    auto it = apps.find(std::string(name));
    if (it == apps.end()) return FlowHost::load_app(name, revision);
    return it->second;
  }
  std::map<std::string, std::shared_ptr<const AppDocument>> apps;
  int loads = 0;
  int requested_revision = -1;
};

// The sub-app: says hello with what it was given, asks a PIN, sets a result and exits.
const char* const kPinApp = R"json({"name": "pin", "pages": [{"name": "ask", "modules": [
    {"type": "prompt", "name": "hello", "text": "Hello {{customer}}, {{session.connection.ani}}."},
    {"type": "digits", "name": "code", "prompt": "PIN?", "private": true, "max_digits": 4},
    {"type": "set_variable", "name": "result", "rows": [
        {"name": "verified", "expression": "code == '1234'"},
        {"name": "last_two", "expression": "substr(code, 2, 2)"}]},
    {"type": "exit", "name": "done"}]}]})json";

std::string caller_json(std::string_view goto_extra,
                        std::string_view exits = R"("exits": {"error": "failed"})") {
  return R"({"name": "main", "variables": {"name": "Ada", "card": "4111"},
    "pages": [{"name": "start", "modules": [
      {"type": "goto_app", "name": "check", "app": "pin", )" +
         (goto_extra.empty() ? "" : std::string(goto_extra) + ", ") + std::string(exits) + R"(},
      {"type": "prompt", "name": "after", "text": "Back: {{check.verified}}."},
      {"type": "exit", "name": "end"},
      {"type": "prompt", "name": "failed", "text": "Could not check: {{check$.error}}"},
      {"type": "exit", "name": "end2"}]}]})";
}

struct Call {
  explicit Call(const std::string& json,
                std::map<std::string, std::string> apps = {{"pin", kPinApp}}) {
    app = app_of(json);
    for (const auto& [name, text] : apps) host.apps[name] = app_of(text);
    Variables session;
    session.set("session.connection.ani", "5551234");
    interpreter = std::make_unique<Interpreter>(*app, host, std::move(session));
    interpreter->start();
  }
  std::string var(std::string_view name) {
    return interpreter->variables().get(name).value_or("-");
  }
  std::shared_ptr<const AppDocument> app;
  AppHost host;
  std::unique_ptr<Interpreter> interpreter;
};

TEST(GoToAppParse, ChecksItsSettings) {
  auto ok = parse_app(caller_json(R"("revision": 3, "variables_in": {"customer": "name"},
                                     "variables_out": ["verified"])"),
                      "t.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  const auto& go = std::get<GoToAppSettings>(ok->pages[0].modules[0].settings);
  EXPECT_EQ(go.app, "pin");
  EXPECT_EQ(go.revision, 3);
  ASSERT_EQ(go.variables_in.size(), 1u);
  EXPECT_EQ(go.variables_in[0].first, "customer");
  EXPECT_EQ(go.variables_out, std::vector<std::string>{"verified"});

  auto errors = [](const std::string& json) {
    auto app = parse_app(json, "t.json");
    return app.ok() ? std::string() : app.error().message;
  };
  const std::string bad = errors(R"({"name": "m", "pages": [{"name": "p", "modules": [
      {"type": "goto_app", "name": "g", "app": "../etc/passwd", "revision": 0,
       "variables_in": {"x": "1 +"}, "variables_out": ["session.id", 5],
       "exits": {"later": "g"}}]}]})");
  EXPECT_NE(bad.find("'app' must be an app name"), std::string::npos) << bad;
  EXPECT_NE(bad.find("'revision' must be"), std::string::npos) << bad;
  EXPECT_NE(bad.find("'variables_in'"), std::string::npos) << bad;
  EXPECT_NE(bad.find("session variables cannot be set"), std::string::npos) << bad;
  EXPECT_NE(bad.find("later"), std::string::npos) << bad;
  EXPECT_NE(errors(R"({"name": "m", "pages": [{"name": "p", "modules": [
      {"type": "goto_app", "name": "g"}]}]})")
                .find("'app'"),
            std::string::npos);
}

TEST(GoToApp, RunsTheSubAppAndComesBackWithItsVariables) {
  Call call(caller_json(R"("variables_in": {"customer": "name"},
                           "variables_out": ["verified", "last_two", "missing"])"));
  EXPECT_EQ(call.host.last_text(), "Hello Ada, 5551234.");
  EXPECT_EQ(call.host.requested_revision, 0);
  finish_prompt(*call.interpreter, call.host);
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "PIN?");
  EXPECT_TRUE(call.host.private_changes.back());  // the sub-app's private input reaches the host
  press(*call.interpreter, "1234");
  EXPECT_EQ(call.host.last_text(), "Back: true.");
  EXPECT_FALSE(call.interpreter->finished());
  EXPECT_FALSE(call.host.hung_up);  // the sub-app's Exit module returned, it did not hang up
  EXPECT_EQ(call.var("check.verified"), "true");
  EXPECT_TRUE(call.interpreter->variables().is_private("check.last_two"));  // from the PIN
  EXPECT_EQ(call.var("check.missing"), "-");
  EXPECT_EQ(call.var("check$.status"), "done");
  EXPECT_EQ(call.var("customer"), "-");  // the sub-app's variables stay there
  EXPECT_EQ(call.var("code"), "-");
  std::vector<std::string> path;
  for (const auto& v : call.interpreter->visits())
    path.push_back(v.page + "/" + v.module + "=" + v.result);
  const std::vector<std::string> expected = {
      "start/check=start:pin", "pin:ask/hello=next", "pin:ask/code=success:[private]",
      "pin:ask/result=next",   "pin:ask/done=exit",  "start/check=done"};
  ASSERT_GE(path.size(), expected.size());
  EXPECT_EQ(std::vector<std::string>(path.begin(), path.begin() + expected.size()), expected);
}

TEST(GoToApp, PrivateValuesPassedInStayPrivate) {
  Call call(caller_json(R"("variables_in": {"customer": "card"})"),
            {{"pin", R"({"name": "pin", "pages": [{"name": "p", "modules": [
                {"type": "prompt", "name": "say", "text": "Card {{customer}}"},
                {"type": "exit", "name": "x"}]}]})"}});
  EXPECT_FALSE(call.host.plays.back().contains_private);
  Call secret(
      R"({"name": "main", "variables": {"card": "4111"}, "pages": [{"name": "p", "modules": [
      {"type": "set_variable", "name": "hidden", "private": true,
       "rows": [{"name": "pan", "expression": "card"}]},
      {"type": "goto_app", "name": "check", "app": "pin", "variables_in": {"customer": "pan"}}]}]})",
      {{"pin", R"({"name": "pin", "pages": [{"name": "p", "modules": [
                {"type": "prompt", "name": "say", "text": "Card {{customer}}"},
                {"type": "exit", "name": "x"}]}]})"}});
  ASSERT_FALSE(secret.host.plays.empty());
  EXPECT_EQ(secret.host.last_text(), "Card 4111");
  EXPECT_TRUE(secret.host.plays.back().contains_private);  // never cached or logged
}

TEST(GoToApp, AMissingAppTakesTheErrorExit) {
  Call call(caller_json(""), {});
  EXPECT_EQ(call.var("check$.status"), "error");
  EXPECT_NE(call.host.last_text().find("no app named 'pin'"), std::string::npos)
      << call.host.last_text();
  Call unwired(caller_json("", R"("comment": "no exits")"), {});
  EXPECT_TRUE(unwired.interpreter->finished());
  EXPECT_EQ(unwired.interpreter->exit_reason().rfind("error:goto_app check: ", 0), 0u)
      << unwired.interpreter->exit_reason();
  EXPECT_TRUE(unwired.host.hung_up);
}

TEST(GoToApp, ASubAppErrorComesBackAsTheErrorExit) {
  Call call(caller_json(""), {{"pin", R"({"name": "pin", "pages": [{"name": "p", "modules": [
                {"type": "rest", "name": "r", "method": "GET", "url": "https://example.com/x"}]}]})"}});
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  WebResponse failed;
  failed.outcome = WebResponse::Outcome::kError;
  failed.error = "connection refused";
  call.interpreter->on_web_response(failed);
  EXPECT_EQ(call.var("check$.status"), "error");
  EXPECT_NE(call.host.last_text().find("Could not check"), std::string::npos);
}

TEST(GoToApp, HangingUpInsideTheSubAppEndsTheCall) {
  Call call(caller_json(""));
  finish_prompt(*call.interpreter, call.host);
  call.interpreter->on_hangup();
  EXPECT_TRUE(call.interpreter->finished());
  EXPECT_EQ(call.interpreter->exit_reason(), "caller_hangup");
  EXPECT_FALSE(call.host.hung_up);
  EXPECT_EQ(call.interpreter->visits().back().result, "hangup");
}

TEST(GoToApp, TimersAndSilenceReachTheSubApp) {
  Call call(caller_json(""));
  finish_prompt(*call.interpreter, call.host);
  finish_prompt(*call.interpreter, call.host);  // PIN?
  fire_timer(*call.interpreter, call.host);     // no input: the sub-app re-prompts
  EXPECT_EQ(call.host.last_text(), "PIN?");
}

TEST(GoToApp, AnAppCallingItselfStopsAtTheDepthLimit) {
  const std::string loop = R"({"name": "loop", "pages": [{"name": "p", "modules": [
      {"type": "goto_app", "name": "again", "app": "loop", "exits": {"error": "deep"}},
      {"type": "exit", "name": "x"},
      {"type": "prompt", "name": "deep", "text": "Too deep: {{again$.error}}"}]}]})";
  Call call(loop, {{"loop", loop}});
  EXPECT_NE(call.host.last_text().find("more than 8 deep"), std::string::npos)
      << call.host.last_text();
  EXPECT_EQ(call.host.loads, 1);  // loaded once, then reused for the whole call
  // The innermost app reports its error; each level above returns normally.
  finish_prompt(*call.interpreter, call.host);
  EXPECT_TRUE(call.interpreter->finished());
  EXPECT_EQ(call.interpreter->exit_reason(), "exit_module");
}

TEST(GoToApp, ACallKeepsTheRevisionItGotFirst) {
  const std::string twice = R"({"name": "main", "pages": [{"name": "p", "modules": [
      {"type": "goto_app", "name": "first", "app": "pin", "revision": 7},
      {"type": "goto_app", "name": "second", "app": "pin", "revision": 7},
      {"type": "exit", "name": "x"}]}]})";
  const std::string v1 = R"({"name": "pin", "pages": [{"name": "p", "modules": [
      {"type": "prompt", "name": "say", "text": "version one"}]}]})";
  Call call(twice, {{"pin", v1}});
  EXPECT_EQ(call.host.requested_revision, 7);
  // A new document is published while the call is inside the first sub-app.
  call.host.apps["pin"] = app_of(R"({"name": "pin", "pages": [{"name": "p", "modules": [
      {"type": "prompt", "name": "say", "text": "version two"}]}]})");
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "version one");
  EXPECT_EQ(call.host.loads, 1);
}

TEST(GoToApp, FilesBesideTheApp) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("keyline-goto-app-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "pin.json") << kPinApp;
  std::ofstream(dir / "broken.json") << "{";
  AppDocument caller;
  caller.file_name = (dir / "main.json").string();
  auto pin = load_app_beside(caller, "pin");
  ASSERT_TRUE(pin.ok()) << pin.error().message;
  EXPECT_EQ((*pin)->name, "pin");
  EXPECT_FALSE(load_app_beside(caller, "absent").ok());
  auto broken = load_app_beside(caller, "broken");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("broken.json:"), std::string::npos);
  EXPECT_FALSE(load_app_beside(caller, "../pin").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keyline::flow
