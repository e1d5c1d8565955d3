// Speech input in the input modules: the settings and their checks, the grammar each module
// listens for, and voice answers through the real interpreter (a fake host reports what the
// caller said, matched against the module's grammar as the server's recognizer would).
#include "flow/speech_input.h"

#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/interpreter.h"
#include "flow/scenario.h"
#include "flow/simulator.h"

#include <sstream>

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;
using testing::say;

Result<AppDocument> parse_modules(std::string_view modules, std::string_view settings = "{}") {
  const std::string json = R"({"name": "t", "settings": )" + std::string(settings) +
                           R"(, "pages": [{"name": "p", "modules": [)" + std::string(modules) +
                           R"(,
  {"type": "prompt", "name": "ok", "text": "ok", "exits": {"next": "end"}},
  {"type": "prompt", "name": "no_input", "text": "no input", "exits": {"next": "end"}},
  {"type": "prompt", "name": "no_match", "text": "no match", "exits": {"next": "end"}},
  {"type": "prompt", "name": "sales", "text": "sales", "exits": {"next": "end"}},
  {"type": "prompt", "name": "support", "text": "support", "exits": {"next": "end"}},
  {"type": "exit", "name": "end"}]}]})";
  return parse_app(json, "t.json");
}

constexpr std::string_view kExits =
    R"("exits": {"success": "ok", "noinput": "no_input", "nomatch": "no_match"})";

struct Call {
  explicit Call(std::string_view modules, std::string_view settings = "{}")
      : app(load(modules, settings)), interpreter(app, host, Variables{}) {
    interpreter.start();
  }
  static AppDocument load(std::string_view modules, std::string_view settings) {
    auto app = parse_modules(modules, settings);
    EXPECT_TRUE(app.ok()) << app.error().message;
    return app.ok() ? std::move(app).value() : AppDocument{};
  }
  std::string var(std::string_view name) { return interpreter.variables().get(name).value_or("-"); }
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

std::string yes_no(std::string_view extra = "") {
  return R"({"type": "yes_no", "name": "confirm", "prompt": "Is that right?", "speech": true)" +
         std::string(extra) + ", " + std::string(kExits) + "}";
}

const std::string kMenu =
    R"({"type": "menu", "name": "dept", "prompt": "Sales or support?", "speech": true,
        "options": {"1": "sales", "2": "support"},
        "phrases": {"1": ["sales", "buy something"], "2": "support"}})";

TEST(SpeechSettings, ParsedAndChecked) {
  auto app = parse_modules(kMenu);
  ASSERT_TRUE(app.ok()) << app.error().message;
  const Module& menu = app->pages[0].modules[0];
  EXPECT_TRUE(listens_for_speech(menu));
  const auto& options = std::get<MenuSettings>(menu.settings).options;
  EXPECT_EQ(options[0].phrases, (std::vector<std::string>{"sales", "buy something"}));
  EXPECT_EQ(options[1].phrases, (std::vector<std::string>{"support"}));
  auto grammar = speech_grammar(menu);
  ASSERT_TRUE(grammar.ok());
  EXPECT_EQ(speech::interpret(*grammar, "Buy  Something").value(), "1");

  // The app's default turns speech on for every module that can listen; keys-only types
  // ignore it, but reject it written on themselves.
  auto defaults = parse_modules(
      R"({"type": "digits", "name": "d", "prompt": "p", "max_digits": 4},
         {"type": "date_time", "name": "dt", "prompt": "p", "format": "MMYY"})",
      R"({"input": {"speech": true, "confidence": 0.7}})");
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_TRUE(listens_for_speech(defaults->pages[0].modules[0]));
  EXPECT_FALSE(listens_for_speech(defaults->pages[0].modules[1]));
  EXPECT_EQ(speech_request(defaults->pages[0].modules[0])->confidence_threshold, 0.7);

  struct Bad {
    std::string modules;
    std::string message;
  };
  const Bad bad[] = {
      {R"({"type": "menu", "name": "m", "prompt": "p", "speech": true, "options": {"1": "ok"}})",
       "a menu with speech needs 'phrases'"},
      {R"({"type": "menu", "name": "m", "prompt": "p", "options": {"1": "ok"},
           "phrases": {"2": "sales"}})",
       "phrases for '2', which is not a menu option"},
      {R"({"type": "menu", "name": "m", "prompt": "p", "speech": true, "options": {"1": "ok"},
           "phrases": {"1": "option 1"}})",
       "may hold only letters"},
      {R"({"type": "date_time", "name": "d", "prompt": "p", "format": "HHMM", "speech": true})",
       "'speech': this module type takes keys only"},
      {yes_no(R"(, "confidence": 1.5)"), "'confidence' must be a number from 0 to 1"},
      {R"({"type": "custom_field", "name": "c", "prompt": "p", "pattern": "[0-9]{4}",
           "speech": true})",
       "needs a 'grammar' (JSGF) or 'phrases'"},
      {R"({"type": "custom_field", "name": "c", "prompt": "p", "pattern": "[0-9]{4}",
           "speech": true, "grammar": "public <x> = a;"})",
       "must be a JSGF document"},
  };
  for (const auto& b : bad) {
    auto r = parse_modules(b.modules);
    ASSERT_FALSE(r.ok()) << b.modules;
    EXPECT_NE(r.error().message.find(b.message), std::string::npos) << r.error().message;
  }
}

TEST(SpeechInput, YesNoByVoiceFillsTheShadowVariables) {
  Call call(yes_no());
  // With barge-in (the default) the recognizer listens while the prompt plays.
  ASSERT_TRUE(call.host.listening);
  EXPECT_EQ(call.host.recognitions[0].grammar.kind, speech::GrammarKind::kYesNo);
  EXPECT_EQ(call.host.recognitions[0].confidence_threshold, 0.5);
  say(call.interpreter, call.host, "yeah", 0.83);
  EXPECT_EQ(call.host.stops, 1);  // speech barge-in stopped the prompt
  EXPECT_EQ(call.var("confirm"), "yes");
  EXPECT_EQ(call.var("confirm$.inputmode"), "voice");
  EXPECT_EQ(call.var("confirm$.utterance"), "yeah");
  EXPECT_EQ(call.var("confirm$.confidence"), "0.83");
  EXPECT_EQ(call.var("confirm$.attempts"), "1");
  EXPECT_EQ(call.host.last_text(), "ok");
  EXPECT_EQ(call.interpreter.visits()[0].result, "success:yes");
}

TEST(SpeechInput, MenuByVoiceTakesTheOptionOfThePhrase) {
  Call call(kMenu);
  finish_prompt(call.interpreter, call.host);  // listening continues after the prompt
  ASSERT_TRUE(call.host.listening);
  say(call.interpreter, call.host, "buy something");
  EXPECT_EQ(call.var("dept"), "1");
  EXPECT_EQ(call.host.last_text(), "sales");
  EXPECT_EQ(call.interpreter.visits()[0].result, "1");
}

TEST(SpeechInput, DigitsNumberAndCustomField) {
  {
    Call call(R"({"type": "digits", "name": "acct", "prompt": "Account?", "speech": true,
                  "min_digits": 3, "max_digits": 4, )" +
              std::string(kExits) + "}");
    EXPECT_EQ(call.host.recognitions[0].grammar.max_digits, 4);
    say(call.interpreter, call.host, "oh four two");
    EXPECT_EQ(call.var("acct"), "042");
    EXPECT_EQ(call.var("acct$.length"), "3");
  }
  {
    Call call(R"({"type": "number", "name": "qty", "prompt": "How many?", "speech": true,
                  "max_value": 500, )" +
              std::string(kExits) + "}");
    say(call.interpreter, call.host, "three hundred and five");
    EXPECT_EQ(call.var("qty"), "305");
    EXPECT_EQ(call.host.last_text(), "ok");
  }
  {  // The number's bounds apply to a spoken number as to a keyed one.
    Call call(R"({"type": "number", "name": "qty", "prompt": "How many?", "speech": true,
                  "max_value": 500, "retries": 0, )" +
              std::string(kExits) + "}");
    say(call.interpreter, call.host, "nine hundred");
    EXPECT_EQ(call.host.last_text(), "no match");
  }
  {
    Call call(R"({"type": "custom_field", "name": "color", "prompt": "Colour?", "speech": true,
                  "pattern": "[0-9]", "phrases": ["dark blue", "red"], )" +
              std::string(kExits) + "}");
    say(call.interpreter, call.host, "Dark Blue");
    EXPECT_EQ(call.var("color"), "dark blue");
    EXPECT_EQ(call.var("color$.inputmode"), "voice");
  }
}

TEST(SpeechInput, NoMatchAndNoInputFollowTheRepromptRules) {
  Call call(yes_no(R"(, "nomatch_prompt": "Sorry.", "noinput_prompt": "Hello?", "retries": 2,
                     "confidence": 0.6)"));
  say(call.interpreter, call.host, "banana");  // out of grammar
  EXPECT_EQ(call.host.last_text(), "Sorry. Is that right?");
  ASSERT_TRUE(call.host.listening);              // listening again for the re-prompt
  say(call.interpreter, call.host, "yes", 0.4);  // below the module's threshold
  EXPECT_EQ(call.host.last_text(), "Sorry. Is that right?");
  finish_prompt(call.interpreter, call.host);
  fire_timer(call.interpreter, call.host);  // nobody spoke or pressed a key
  EXPECT_FALSE(call.host.listening);
  EXPECT_EQ(call.host.last_text(), "no input");
  EXPECT_EQ(call.var("confirm$.attempts"), "3");
  EXPECT_EQ(call.var("confirm"), "-");
}

TEST(SpeechInput, SpeakingHoldsTheNoInputTimer) {
  Call call(yes_no(R"(, "barge_in": false)"));
  EXPECT_FALSE(call.host.listening);  // no barge-in: listening starts after the prompt
  finish_prompt(call.interpreter, call.host);
  ASSERT_TRUE(call.host.listening);
  ASSERT_TRUE(call.host.timer.has_value());
  call.interpreter.on_speech_started();
  EXPECT_FALSE(call.host.timer.has_value());  // the recognizer ends the turn now
  speech::AsrResult result;
  result.status = speech::AsrStatus::kMatch;
  result.best = {"nope", "false", 0.9};
  call.host.listening = false;
  call.interpreter.on_speech(result);
  EXPECT_EQ(call.var("confirm"), "no");
}

TEST(SpeechInput, KeysStillWorkAndTheFirstKeyDropsTheSpeechTurn) {
  Call call(yes_no());
  ASSERT_TRUE(call.host.listening);
  press(call.interpreter, "2");
  EXPECT_FALSE(call.host.listening);
  EXPECT_EQ(call.host.recognition_stops, 1);
  EXPECT_EQ(call.var("confirm"), "no");
  EXPECT_EQ(call.var("confirm$.inputmode"), "dtmf");
  EXPECT_EQ(call.var("confirm$.confidence"), "1");
  // A late result for the dropped turn changes nothing.
  speech::AsrResult late;
  late.status = speech::AsrStatus::kMatch;
  late.best = {"yes", "true", 0.9};
  call.interpreter.on_speech(late);
  EXPECT_EQ(call.var("confirm"), "no");
}

TEST(SpeechInput, PrivateModuleKeepsNoWords) {
  Call call(R"({"type": "digits", "name": "pin", "private": true, "prompt": "PIN?",
                "speech": true, "min_digits": 4, "max_digits": 4, )" +
            std::string(kExits) + "}");
  EXPECT_TRUE(call.host.recognitions[0].is_private);
  say(call.interpreter, call.host, "one two three four");
  EXPECT_EQ(call.var("pin$.inputmode"), "voice");
  EXPECT_EQ(call.var("pin$.length"), "4");
  EXPECT_EQ(call.var("pin$.utterance"), "-");
  EXPECT_EQ(call.var("pin$.confidence"), "-");
  EXPECT_TRUE(call.interpreter.variables().lookup("pin")->is_private());
  EXPECT_EQ(call.interpreter.visits()[0].result, "success:[private]");
}

TEST(SpeechInput, AHostWithoutRecognitionTakesKeysOnly) {
  auto app = Call::load(yes_no(), "{}");
  FakeFlowHost host;
  host.can_recognise = false;
  Interpreter interpreter(app, host, Variables{});
  interpreter.start();
  EXPECT_FALSE(host.listening);
  finish_prompt(interpreter, host);
  press(interpreter, "1");
  EXPECT_EQ(interpreter.variables().get("confirm").value_or("-"), "yes");
}

TEST(SpeechInput, ScenarioSayStep) {
  auto app = Call::load(kMenu, "{}");
  auto scenarios = parse_scenarios(R"(
- name: by voice
  steps:
    - expect_prompt: Sales or support
    - say: support
  expect:
    variables: {dept: "2", dept$.inputmode: voice, dept$.confidence: "1"}
- name: unsure
  steps:
    - say: {text: sales, confidence: 0.2}
    - say: sales
  expect:
    variables: {dept: "1", dept$.attempts: "2"}
- name: nothing listens
  steps:
    - say: sales
    - say: sales
)",
                                   "s.yaml");
  ASSERT_TRUE(scenarios.ok()) << scenarios.error().message;
  EXPECT_TRUE(run_scenario(app, (*scenarios)[0]).passed);
  auto unsure = run_scenario(app, (*scenarios)[1]);
  EXPECT_TRUE(unsure.passed) << (unsure.failures.empty() ? "" : unsure.failures[0]);
  auto late = run_scenario(app, (*scenarios)[2]);
  ASSERT_FALSE(late.passed);
  EXPECT_NE(late.failures[0].find("nothing was listening for speech"), std::string::npos);
  EXPECT_FALSE(parse_scenarios("steps:\n  - say: {confidence: 2}\n", "s.yaml").ok());
}

TEST(SpeechInput, SimulatorTakesTypedWords) {
  auto app = Call::load(kMenu, "{}");
  std::istringstream in("support\n");
  std::ostringstream out;
  EXPECT_EQ(run_simulation(app, in, out), 0);
  EXPECT_NE(out.str().find("[keys or words]> [speech] match"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("[visit] p/dept (menu) -> 2"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace keyline::flow
