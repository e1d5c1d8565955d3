// The app's prompt table: parsing, checks with positions, per-language resolution, and what
// the interpreter asks the host to play for a Prompt module that names an id.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::press;

constexpr const char* kApp = R"({
  "name": "tables",
  "settings": {"language": "en-US", "voices": {"es": "es", "fr-FR": "fr-fr"}},
  "prompts": {
    "en-US": {"welcome": {"file": "audio/welcome.wav", "text": "Welcome."},
              "bye": "Goodbye."},
    "es": {"welcome": "Bienvenido."}
  },
  "pages": [{"name": "main", "modules": [
    {"type": "prompt", "name": "hello", "prompt_id": "welcome"},
    {"type": "language", "name": "lang", "prompt": "1 or 2", "options": {"1": "en-US", "2": "es-MX"}},
    {"type": "prompt", "name": "again", "prompt_id": "welcome", "exclude_from_cache": true},
    {"type": "prompt", "name": "bye", "prompt_id": "bye", "text": "unused"},
    {"type": "prompt", "name": "own", "prompt_id": "bye_x", "text": "Module text {{session.id}}."}
  ]}]
})";

Result<AppDocument> parse(std::string_view json) { return parse_app(json, "t.json"); }

TEST(PromptTable, ParsesEntriesVoicesAndModuleIds) {
  auto app = parse(std::string(kApp).replace(std::string(kApp).find("\"bye_x\""), 7, "\"bye\""));
  ASSERT_TRUE(app.ok()) << app.error().message;
  ASSERT_EQ(app->prompts.size(), 3u);
  EXPECT_EQ(app->prompts[0].language, "en-US");
  EXPECT_EQ(app->prompts[0].id, "welcome");
  EXPECT_EQ(app->prompts[0].file, "audio/welcome.wav");
  EXPECT_EQ(app->prompts[0].text, "Welcome.");
  EXPECT_EQ(app->prompts[0].file_pos.line, 5);
  EXPECT_EQ(app->settings.voices.at("es"), "es");
  const auto& hello = std::get<PromptSettings>(app->pages[0].modules[0].settings);
  EXPECT_EQ(hello.prompt_id, "welcome");
  EXPECT_FALSE(hello.exclude_from_cache);
  EXPECT_TRUE(std::get<PromptSettings>(app->pages[0].modules[2].settings).exclude_from_cache);
}

TEST(PromptTable, LanguageFallbacks) {
  auto app = parse(std::string(kApp).replace(std::string(kApp).find("\"bye_x\""), 7, "\"bye\""));
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->find_prompt("welcome", "en-US")->text, "Welcome.");
  EXPECT_EQ(app->find_prompt("welcome", "EN-us")->text, "Welcome.");
  EXPECT_EQ(app->find_prompt("welcome", "es-MX")->text, "Bienvenido.");  // same primary
  EXPECT_EQ(app->find_prompt("bye", "es")->text, "Goodbye.");            // the app's language
  EXPECT_EQ(app->find_prompt("welcome", "de")->text, "Welcome.");
  EXPECT_EQ(app->find_prompt("nothing", "en-US"), nullptr);
  EXPECT_EQ(language_match("en-GB", "en-US"), 1);
  EXPECT_EQ(language_match("es", "es"), 2);
  EXPECT_EQ(language_match("es", "en"), 0);
}

TEST(PromptTable, UnknownIdIsReportedAtItsPosition) {
  auto app = parse(kApp);
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().message.find("t.json:14:52: prompt id 'bye_x' is not in the app's "
                                     "'prompts' table"),
            std::string::npos)
      << app.error().message;
}

TEST(PromptTable, AFolderDefersTheIdCheckToTheHost) {
  std::string json = kApp;
  json.replace(json.find("\"settings\": {"), 13, "\"settings\": {\"prompts_dir\": \"prompts\", ");
  auto app = parse(json);
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->settings.prompts_dir, "prompts");
}

TEST(PromptTable, BadTablesAreErrors) {
  auto bad = [](std::string prompts) {
    auto app = parse(R"({"name": "x", "prompts": )" + prompts +
                     R"(, "pages": [{"name": "p", "modules": [{"type": "exit", "name": "e"}]}]})");
    return app ? std::string() : app.error().message;
  };
  EXPECT_NE(bad(R"({"en US": {}})").find("is not a language tag"), std::string::npos);
  EXPECT_NE(bad(R"({"en": {"../x": "t"}})").find("prompt id '../x' must use"), std::string::npos);
  EXPECT_NE(bad(R"({"en": {"a": {}}})").find("needs a 'file' or a 'text'"), std::string::npos);
  EXPECT_NE(bad(R"({"en": {"a": {"fil": "x"}}})").find("fil"), std::string::npos);
  EXPECT_NE(bad(R"({"en": {"a": "Hi {{name}}"}})").find("cannot hold {{variables}}"),
            std::string::npos);
  EXPECT_NE(bad(R"(["en"])").find("'prompts' must be an object"), std::string::npos);
  EXPECT_EQ(bad(R"({"en": {"a": "Hi"}})"), "");
}

TEST(PromptTable, PromptModuleNeedsTextOrId) {
  auto app = parse(R"({"name": "x", "pages": [{"name": "p", "modules": [
    {"type": "prompt", "name": "a"}]}]})");
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().message.find("'text'"), std::string::npos) << app.error().message;
}

TEST(PromptTable, InterpreterSendsIdTableTextAndCacheFlag) {
  std::string json = kApp;
  json.replace(json.find("\"settings\": {"), 13, "\"settings\": {\"prompts_dir\": \"p\", ");
  auto app = parse(json);
  ASSERT_TRUE(app.ok()) << app.error().message;
  FakeFlowHost host;
  Variables session;
  session.set("session.id", "c1");
  Interpreter interpreter(*app, host, std::move(session));
  interpreter.start();
  ASSERT_EQ(host.plays.size(), 1u);
  EXPECT_EQ(host.plays[0].prompt_id, "welcome");
  EXPECT_EQ(host.plays[0].text, "Welcome.");
  EXPECT_EQ(host.plays[0].language, "en-US");
  EXPECT_FALSE(host.plays[0].exclude_from_cache);
  finish_prompt(interpreter, host);  // hello
  finish_prompt(interpreter, host);  // the language menu
  press(interpreter, "2");
  ASSERT_EQ(host.plays.size(), 3u);
  EXPECT_EQ(host.plays[2].prompt_id, "welcome");
  EXPECT_EQ(host.plays[2].text, "Bienvenido.");  // es-MX finds the "es" row
  EXPECT_EQ(host.plays[2].language, "es-MX");
  EXPECT_TRUE(host.plays[2].exclude_from_cache);
  finish_prompt(interpreter, host);
  EXPECT_EQ(host.plays[3].text, "Goodbye.");  // the table's text beats the module's
  finish_prompt(interpreter, host);
  EXPECT_EQ(host.plays[4].prompt_id, "bye_x");  // not in the table (the folder may have it)
  EXPECT_EQ(host.plays[4].text, "Module text c1.");
}

}  // namespace
}  // namespace keyline::flow
