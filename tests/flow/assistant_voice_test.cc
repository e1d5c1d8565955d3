// The Assistant's set_tts with a named voice: applied by the host for the session language,
// and an unknown one is a call-log line (naming no voice) while the call goes on.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;

constexpr std::string_view kApp = R"({"name": "desk", "settings": {"language": "en-US"},
  "pages": [{"name": "p", "modules": [{"type": "assistant", "name": "desk",
    "url": "https://bot.example.com/turn"},
    {"type": "prompt", "name": "after", "text": "Goodbye"}]}]})";

struct VoiceCall {
  VoiceCall() {
    host.known_voices = {{"slt", "en-US"}, {"es", "es-ES"}};
    auto parsed = parse_app(kApp, "desk.json");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    if (parsed.ok()) app = std::move(parsed).value();
    Variables session;
    session.set("session.id", "call-9");
    interpreter = std::make_unique<Interpreter>(app, host, std::move(session));
    interpreter->start();
  }
  void reply(std::string body) {
    WebResponse r;
    r.status = 200;
    r.body = std::move(body);
    interpreter->on_web_response(std::move(r));
  }
  std::vector<std::string> results() const {
    std::vector<std::string> out;
    for (const auto& v : interpreter->visits()) out.push_back(v.result);
    return out;
  }
  AppDocument app;
  FakeFlowHost host;
  std::unique_ptr<Interpreter> interpreter;
};

TEST(AssistantVoice, NamedVoiceIsAppliedForTheSessionLanguage) {
  VoiceCall call;
  call.reply(R"({"actions": [{"type": "set_tts", "voice": "slt"},
    {"type": "play_text", "text": "Hello"}, {"type": "end"}]})");
  ASSERT_EQ(call.host.chosen_voices.size(), 1u);
  EXPECT_EQ(call.host.chosen_voices[0], (std::pair<std::string, std::string>{"slt", "en-US"}));
  EXPECT_EQ(call.host.last_text(), "Hello");
}

TEST(AssistantVoice, LanguageAndVoiceTogetherChooseForTheNewLanguage) {
  VoiceCall call;
  call.reply(R"({"actions": [{"type": "set_tts", "language": "es-ES", "voice": "es"},
    {"type": "play_text", "text": "Hola"}, {"type": "end"}]})");
  ASSERT_EQ(call.host.chosen_voices.size(), 1u);
  EXPECT_EQ(call.host.chosen_voices[0], (std::pair<std::string, std::string>{"es", "es-ES"}));
  EXPECT_EQ(call.host.plays.back().language, "es-ES");
}

TEST(AssistantVoice, UnknownVoiceIsLoggedWithoutItsNameAndTheCallGoesOn) {
  VoiceCall call;
  // "es" exists but does not speak the session's en-US; "4111111111111111" is no voice at all.
  call.reply(R"({"actions": [{"type": "set_tts", "voice": "es"},
    {"type": "set_tts", "voice": "4111111111111111"},
    {"type": "play_text", "text": "Still here"}, {"type": "end"}]})");
  EXPECT_TRUE(call.host.chosen_voices.empty());
  EXPECT_EQ(call.host.last_text(), "Still here");
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "Goodbye");  // the module ended by `end` and the flow went on
  const auto results = call.results();
  EXPECT_EQ(std::count(results.begin(), results.end(), "set_tts:unknown_voice"), 2);
  for (const auto& line : results) {
    EXPECT_EQ(line.find("4111"), std::string::npos) << line;
    EXPECT_EQ(line.find("\"es\""), std::string::npos) << line;
  }
  EXPECT_FALSE(call.host.hung_up);
}

}  // namespace
}  // namespace keyline::flow
