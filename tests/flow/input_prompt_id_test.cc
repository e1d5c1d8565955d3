// Input modules' prompts from the prompt table ("prompt_id"): the first prompt plays the id's
// recording; a re-prompt's lead-in is spoken, followed by the id's table text; unknown ids are
// load errors with their position.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;

constexpr const char* kApp = R"({
  "name": "ids",
  "prompts": {"en-US": {"ask": {"file": "ask.wav", "text": "Press 1 or 2."}}},
  "pages": [{"name": "main", "modules": [
    {"type": "menu", "name": "m", "prompt_id": "ask", "noinput_prompt": "Hello?",
     "options": {"1": "y", "2": "y"}},
    {"type": "yes_no", "name": "y", "prompt_id": "ask", "prompt": "unused"},
    {"type": "exit", "name": "end"}
  ]}]
})";

TEST(InputPromptId, RecordingFirstThenLeadInAndTableText) {
  auto app = parse_app(kApp, "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  FakeFlowHost host;
  Interpreter interpreter(*app, host, Variables{});
  interpreter.start();
  ASSERT_EQ(host.plays.size(), 1u);
  EXPECT_EQ(host.plays[0].prompt_id, "ask");
  EXPECT_EQ(host.plays[0].text, "Press 1 or 2.");  // the table's text: the TTS fallback
  finish_prompt(interpreter, host);
  fire_timer(interpreter, host);
  ASSERT_EQ(host.plays.size(), 2u);
  EXPECT_EQ(host.plays[1].prompt_id, "");  // a lead-in: all spoken
  EXPECT_EQ(host.plays[1].text, "Hello? Press 1 or 2.");
  finish_prompt(interpreter, host);
  interpreter.on_digit('1');
  ASSERT_EQ(host.plays.size(), 3u);
  EXPECT_EQ(host.plays[2].prompt_id, "ask");  // the yes_no: its id, not its own text
  EXPECT_EQ(host.plays[2].text, "Press 1 or 2.");
}

TEST(InputPromptId, UnknownIdsAndMissingPromptsAreErrors) {
  auto bad = parse_app(R"({"name": "x", "pages": [{"name": "p", "modules": [
    {"type": "digits", "name": "d", "prompt_id": "nope"},
    {"type": "number", "name": "n"},
    {"type": "dynamic_menu", "name": "dm", "prompt_id": "nope", "options_variable": "o"}]}]})",
                       "t.json");
  ASSERT_FALSE(bad.ok());
  const std::string& m = bad.error().message;
  EXPECT_NE(m.find("t.json:2:50: prompt id 'nope' is not in the app's 'prompts' table"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("number module is missing the required key 'prompt'"), std::string::npos) << m;
  EXPECT_NE(m.find("a dynamic_menu takes no 'prompt_id'"), std::string::npos) << m;
}

}  // namespace
}  // namespace keyline::flow
