// The Assistant module through the real parser and interpreter; the scripted host plays the
// conversational service (answers each turn's POST) and the caller.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/json_value.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;

std::string app_json(std::string_view assistant, std::string_view settings = "{}") {
  return R"({"name": "desk", "settings": )" + std::string(settings) +
         R"(, "variables": {"tier": "gold"}, "pages": [{"name": "p", "modules": [)" +
         std::string(assistant) +
         R"(, {"type": "prompt", "name": "after", "text": "Thanks {{desk.account}}"}]},
    {"name": "failed", "modules": [{"type": "prompt", "name": "sorry", "text": "failed"}]}]})";
}

constexpr std::string_view kDesk = R"({"type": "assistant", "name": "desk",
  "url": "https://bot.example.com/turn", "headers": {"X-Tenant": "t1"},
  "context": {"tier": "{{tier}}"}, "timeout_ms": 4000, "max_turns": 5,
  "auth": {"type": "bearer", "token": "tok"}})";

WebResponse answer(std::string body, int status = 200) {
  WebResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

struct Call {
  explicit Call(std::string_view module, std::string_view settings = "{}") {
    auto parsed = parse_app(app_json(module, settings), "desk.json");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    if (parsed.ok()) app = std::move(parsed).value();
    Variables session;
    session.set("session.id", "call-7");
    session.set("session.connection.ani", "+15550001");
    session.set("session.connection.dnis", "+15550002");
    interpreter = std::make_unique<Interpreter>(app, host, std::move(session));
    interpreter->start();
  }
  // The body of the last turn the module POSTed.
  Value turn() {
    EXPECT_FALSE(host.web_requests.empty());
    auto v = parse_json_value(host.web_requests.back().body);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : Value();
  }
  void reply(std::string body, int status = 200) {
    interpreter->on_web_response(answer(std::move(body), status));
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

TEST(AssistantModule, StartTurnIsAJsonPostWithSessionAndContext) {
  Call call(kDesk);
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  const WebRequest& r = call.host.web_requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://bot.example.com/turn");
  EXPECT_EQ(r.timeout, std::chrono::milliseconds(4000));
  auto header = [&r](std::string_view name) {
    for (const auto& [n, v] : r.headers)
      if (n == name) return v;
    return std::string("(none)");
  };
  EXPECT_EQ(header("X-Tenant"), "t1");
  EXPECT_EQ(header("Content-Type"), "application/json");
  EXPECT_EQ(header("Authorization"), "Bearer tok");
  const Value t = call.turn();
  EXPECT_EQ(t.member("event").as_string(), "start");
  EXPECT_EQ(t.member("turn").as_number(), 1);
  EXPECT_EQ(t.member("session").member("id").as_string(), "call-7");
  EXPECT_EQ(t.member("session").member("ani").as_string(), "+15550001");
  EXPECT_EQ(t.member("session").member("app").as_string(), "desk");
  EXPECT_EQ(t.member("context").member("tier").as_string(), "gold");
}

TEST(AssistantModule, PlaysCollectsDigitsAndEndsWithVariables) {
  Call call(kDesk);
  call.reply(R"({"text": "Your account number?", "actions": [{"type": "collect_dtmf",
    "count": 4}], "variables": {"step": "account"}})");
  ASSERT_EQ(call.host.plays.size(), 1u);
  EXPECT_EQ(call.host.last_text(), "Your account number?");
  finish_prompt(*call.interpreter, call.host);
  ASSERT_TRUE(call.host.timer.has_value());
  EXPECT_EQ(*call.host.timer, std::chrono::milliseconds(7000));  // the module's no-input wait
  press(*call.interpreter, "123");
  EXPECT_EQ(call.host.web_requests.size(), 1u);  // not complete yet
  press(*call.interpreter, "4");
  ASSERT_EQ(call.host.web_requests.size(), 2u);
  Value t = call.turn();
  EXPECT_EQ(t.member("event").as_string(), "dtmf");
  EXPECT_EQ(t.member("turn").as_number(), 2);
  EXPECT_EQ(t.member("input").member("dtmf").as_string(), "1234");
  EXPECT_TRUE(t.member("input").member("complete").as_bool());
  EXPECT_EQ(t.member("variables").member("step").as_string(), "account");  // round trip
  call.reply(R"({"actions": [{"type": "end", "variables": {"account": "1234"}}]})");
  EXPECT_EQ(call.host.last_text(), "Thanks 1234");
  EXPECT_EQ(call.interpreter->variables().get("desk$.turns"), "2");
  EXPECT_EQ(call.results(),
            (std::vector<std::string>{"turn:1:play_text,collect_dtmf", "turn:2:end", "done:2"}));
}

TEST(AssistantModule, APrivateModuleLogsNoKeysAndKeepsItsResultPrivate) {
  std::string module(kDesk);
  module.insert(module.find("\"url\""), R"("private": true, )");
  Call call(module);
  EXPECT_TRUE(call.host.web_requests[0].carries_private);
  call.reply(R"({"text": "PIN?", "actions": [{"type": "collect_dtmf", "term_key": "#"}]})");
  EXPECT_TRUE(call.host.plays.back().contains_private);
  finish_prompt(*call.interpreter, call.host);
  press(*call.interpreter, "9876#");
  ASSERT_EQ(call.host.web_requests.size(), 2u);
  EXPECT_EQ(call.turn().member("input").member("dtmf").as_string(), "9876");
  EXPECT_EQ(call.turn().member("input").member("term_key").as_string(), "#");
  call.reply(R"({"actions": [{"type": "end", "variables": {"account": "9876"}}]})");
  EXPECT_TRUE(call.interpreter->variables().is_private("desk"));
  for (const auto& v : call.interpreter->visits())
    EXPECT_EQ(v.result.find("9876"), std::string::npos) << v.result;
}

TEST(AssistantModule, NoInputAndShortEntriesAreTurnsToo) {
  Call call(kDesk);
  call.reply(R"({"text": "Code?", "actions": [{"type": "collect_dtmf", "min": 3, "max": 5,
    "timeout_ms": 9000, "inter_digit_timeout_ms": 1500}]})");
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(*call.host.timer, std::chrono::milliseconds(9000));
  fire_timer(*call.interpreter, call.host);
  ASSERT_EQ(call.host.web_requests.size(), 2u);
  EXPECT_EQ(call.turn().member("event").as_string(), "noinput");
  call.reply(R"({"text": "Code?", "actions": [{"type": "collect_dtmf", "min": 3, "max": 5,
    "inter_digit_timeout_ms": 1500}]})");
  finish_prompt(*call.interpreter, call.host);
  press(*call.interpreter, "12");
  EXPECT_EQ(*call.host.timer, std::chrono::milliseconds(1500));
  fire_timer(*call.interpreter, call.host);
  ASSERT_EQ(call.host.web_requests.size(), 3u);
  EXPECT_EQ(call.turn().member("input").member("dtmf").as_string(), "12");
  EXPECT_FALSE(call.turn().member("input").member("complete").as_bool());
}

TEST(AssistantModule, AKeyInterruptsThePromptsAndCounts) {
  Call call(kDesk);
  call.reply(R"({"actions": [{"type": "play_text", "text": "one"},
    {"type": "play_text", "text": "two"}, {"type": "collect_dtmf", "count": 2}]})");
  EXPECT_EQ(call.host.last_text(), "one");
  press(*call.interpreter, "5");
  EXPECT_EQ(call.host.stops, 1);
  EXPECT_EQ(call.host.plays.size(), 1u);  // "two" is skipped: the caller is answering
  press(*call.interpreter, "6");
  ASSERT_EQ(call.host.web_requests.size(), 2u);
  EXPECT_EQ(call.turn().member("input").member("dtmf").as_string(), "56");
}

TEST(AssistantModule, BargeInOffAndPausedDtmfIgnoreKeys) {
  Call call(kDesk);
  call.reply(R"({"actions": [{"type": "barge_in", "enabled": false},
    {"type": "play_text", "text": "listen"}, {"type": "collect_dtmf", "count": 1}]})");
  EXPECT_FALSE(call.host.plays.back().barge_in);
  press(*call.interpreter, "1");
  EXPECT_EQ(call.host.stops, 0);
  finish_prompt(*call.interpreter, call.host);
  press(*call.interpreter, "2");
  EXPECT_EQ(call.turn().member("input").member("dtmf").as_string(), "2");
  call.reply(R"({"actions": [{"type": "pause_dtmf"}, {"type": "collect_dtmf", "count": 1}]})");
  press(*call.interpreter, "3");
  EXPECT_EQ(call.host.web_requests.size(), 2u);
  fire_timer(*call.interpreter, call.host);
  EXPECT_EQ(call.turn().member("event").as_string(), "noinput");
}

TEST(AssistantModule, AServerErrorTakesTheFailurePromptThenHangsUp) {
  std::string module(kDesk);
  module.insert(module.size() - 1,
                R"(, "failure": {"prompt": "Sorry, try later.", "hangup": true})");
  Call call(module);
  call.reply("oops", 500);
  ASSERT_EQ(call.host.plays.size(), 1u);
  EXPECT_EQ(call.host.last_text(), "Sorry, try later.");
  EXPECT_FALSE(call.host.plays.back().barge_in);
  EXPECT_FALSE(call.host.hung_up);
  finish_prompt(*call.interpreter, call.host);
  EXPECT_TRUE(call.host.hung_up);
  EXPECT_TRUE(call.interpreter->finished());
  EXPECT_NE(call.interpreter->exit_reason().find("HTTP status 500"), std::string::npos);
  EXPECT_EQ(call.results(), (std::vector<std::string>{"error"}));
}

TEST(AssistantModule, TimeoutAndBadJsonTakeTheErrorExit) {
  std::string module(kDesk);
  module.insert(module.size() - 1, R"(, "exits": {"error": {"page": "failed"}})");
  {
    Call call(module);
    WebResponse timeout;
    timeout.outcome = WebResponse::Outcome::kTimeout;
    call.interpreter->on_web_response(timeout);
    EXPECT_EQ(call.host.last_text(), "failed");
    EXPECT_NE(call.interpreter->variables().get("desk$.error")->find("turn timeout"),
              std::string::npos);
  }
  {
    Call call(module);
    call.reply("{\"actions\": [{\"type\": \"play_text\"}]}");
    EXPECT_EQ(call.host.last_text(), "failed");
    EXPECT_NE(call.interpreter->variables().get("desk$.error")->find("'text' is required"),
              std::string::npos);
  }
}

TEST(AssistantModule, FailureCanTransfer) {
  std::string module(kDesk);
  module.insert(module.size() - 1, R"(, "failure": {"transfer": "+15550100"})");
  Call call(module);
  call.reply("not json");
  ASSERT_EQ(call.host.transfers.size(), 1u);
  EXPECT_EQ(call.host.transfers[0].target, "+15550100");
  TransferResult done;
  done.outcome = TransferResult::Outcome::kDone;
  call.interpreter->on_transfer_result(done);
  EXPECT_EQ(call.interpreter->exit_reason(), "transferred");
}

TEST(AssistantModule, TransferActionAndAFailedTransferTurn) {
  Call call(kDesk);
  call.reply(R"({"actions": [{"type": "transfer", "target": "sip:agent@example.com",
    "headers": {"X-Case": "42"}, "uui": "abc"}]})");
  ASSERT_EQ(call.host.transfers.size(), 1u);
  const TransferRequest& t = call.host.transfers[0];
  EXPECT_EQ(t.target, "sip:agent@example.com");
  EXPECT_EQ(t.mode, TransferMode::kBlind);
  ASSERT_EQ(t.headers.size(), 2u);
  EXPECT_EQ(t.headers[1], (std::pair<std::string, std::string>{"User-to-User", "abc"}));
  TransferResult busy;
  busy.outcome = TransferResult::Outcome::kBusy;
  busy.status = 486;
  call.interpreter->on_transfer_result(busy);
  ASSERT_EQ(call.host.web_requests.size(), 2u);
  EXPECT_EQ(call.turn().member("event").as_string(), "transfer_failed");
  EXPECT_EQ(call.turn().member("input").member("status").as_number(), 486);
  call.reply(R"({"actions": [{"type": "transfer", "target": "+15550101"}]})");
  TransferResult done;
  done.outcome = TransferResult::Outcome::kDone;
  call.interpreter->on_transfer_result(done);
  EXPECT_EQ(call.interpreter->exit_reason(), "transferred");
  EXPECT_TRUE(call.host.hung_up);
}

TEST(AssistantModule, BadTransferHeadersAreRefusedBeforeSip) {
  Call call(kDesk);
  call.reply(R"({"actions": [{"type": "transfer", "target": "+15550101",
    "headers": {"Via": "x"}}]})");
  EXPECT_TRUE(call.host.transfers.empty());
  EXPECT_EQ(call.turn().member("event").as_string(), "transfer_failed");
}

TEST(AssistantModule, HangupSmsLanguageAndUnknownActions) {
  Call call(kDesk);
  call.reply(R"({"actions": [{"type": "set_tts", "language": "es-ES"},
    {"type": "send_sms", "text": "Your link"}, {"type": "dance"},
    {"type": "play_text", "text": "Adios"}, {"type": "hangup"}]})");
  ASSERT_EQ(call.host.messages.size(), 1u);
  EXPECT_EQ(call.host.messages[0].to, std::vector<std::string>{"+15550001"});  // the caller
  EXPECT_EQ(call.host.messages[0].body, "Your link");
  MessageResult sent;
  sent.sent = true;
  call.interpreter->on_message_done(sent);
  EXPECT_EQ(call.host.last_text(), "Adios");
  EXPECT_EQ(call.host.plays.back().language, "es-ES");
  finish_prompt(*call.interpreter, call.host);
  EXPECT_TRUE(call.host.hung_up);
  EXPECT_EQ(call.interpreter->exit_reason(), "assistant_hangup");
  EXPECT_EQ(call.results(),
            (std::vector<std::string>{"turn:1:set_tts,send_sms,unknown,play_text,hangup",
                                      "send_sms:sent", "skipped:unknown", "hangup"}));
}

TEST(AssistantModule, PlayUrlAndSipInfo) {
  Call call(kDesk);
  call.reply(R"({"actions": [{"type": "play_url", "url": "https://audio.example.com/hold.wav"},
    {"type": "send_sip_info", "headers": {"X-State": "queued"}, "body": "q=1"},
    {"type": "send_sip_info", "headers": {"Via": "x"}},
    {"type": "collect_dtmf", "count": 1}]})");
  ASSERT_EQ(call.host.plays.size(), 1u);
  EXPECT_EQ(call.host.plays[0].audio_url, "https://audio.example.com/hold.wav");
  EXPECT_TRUE(call.host.plays[0].text.empty());
  finish_prompt(*call.interpreter, call.host);
  ASSERT_EQ(call.host.infos.size(), 1u);  // the one with a core SIP header never left
  EXPECT_EQ(call.host.infos[0].headers[0].first, "X-State");
  EXPECT_EQ(call.host.infos[0].body, "q=1");
  EXPECT_EQ(call.host.infos[0].content_type, "application/text");
  EXPECT_EQ(call.results(),
            (std::vector<std::string>{"turn:1:play_url,send_sip_info,send_sip_info,collect_dtmf",
                                      "send_sip_info:sent", "send_sip_info:error"}));
}

TEST(AssistantModule, PlayUrlOutsideTheEgressListIsSkipped) {
  Call call(kDesk, R"({"egress": ["bot.example.com"]})");
  call.reply(R"({"actions": [{"type": "play_url", "url": "https://elsewhere.example/a.wav"},
    {"type": "play_text", "text": "after"}]})");
  ASSERT_EQ(call.host.plays.size(), 1u);
  EXPECT_EQ(call.host.last_text(), "after");
}

TEST(AssistantModule, TransferByHangupPutsTheTargetOnTheBye) {
  Call call(kDesk);
  call.reply(R"({"text": "Connecting you.", "actions": [{"type": "transfer",
    "target": "+1 (555) 0100", "method": "hangup", "headers": {"X-Case": "42"}, "uui": "abc"}]})");
  finish_prompt(*call.interpreter, call.host);
  EXPECT_TRUE(call.host.transfers.empty());  // no REFER
  ASSERT_EQ(call.host.bye_headers.size(), 3u);
  EXPECT_EQ(call.host.bye_headers[0],
            (std::pair<std::string, std::string>{"Transfer-Target", "tel:+15550100"}));
  EXPECT_EQ(call.host.bye_headers[2], (std::pair<std::string, std::string>{"User-to-User", "abc"}));
  EXPECT_TRUE(call.host.hung_up);
  EXPECT_EQ(call.interpreter->exit_reason(), "transferred");
}

TEST(AssistantModule, TransferByHangupWithoutSupportIsAFailedTransferTurn) {
  Call call(kDesk);
  call.host.can_send_info = false;
  call.reply(R"({"actions": [{"type": "transfer", "target": "sip:desk@example.com",
    "method": "hangup", "target_header": "X-Target"}]})");
  EXPECT_FALSE(call.host.hung_up);
  ASSERT_EQ(call.host.web_requests.size(), 2u);
  EXPECT_EQ(call.turn().member("event").as_string(), "transfer_failed");
}

TEST(AssistantModule, SetAsrConfidenceIsTheDefaultForLaterSpeech) {
  Call call(kDesk);
  call.reply(R"({"actions": [{"type": "set_asr", "confidence_percent": 80},
    {"type": "collect_speech", "phrases": ["yes", "no"]}]})");
  ASSERT_EQ(call.host.recognitions.size(), 1u);
  EXPECT_DOUBLE_EQ(call.host.recognitions[0].confidence_threshold, 0.8);
}

TEST(AssistantModule, TooManyTurnsIsAFailure) {
  std::string module(kDesk);
  module.replace(module.find("\"max_turns\": 5"), 14, "\"max_turns\": 2");
  Call call(module);
  call.reply(R"({"actions": [{"type": "collect_dtmf", "count": 1}]})");
  press(*call.interpreter, "1");
  call.reply(R"({"actions": [{"type": "collect_dtmf", "count": 1}]})");
  press(*call.interpreter, "2");
  EXPECT_EQ(call.host.web_requests.size(), 2u);
  EXPECT_TRUE(call.interpreter->finished());
  EXPECT_NE(call.interpreter->exit_reason().find("more than 2 turns"), std::string::npos);
}

TEST(AssistantModule, CallerHangupEndsTheConversation) {
  Call call(kDesk);
  call.reply(R"({"text": "Hi", "actions": [{"type": "collect_dtmf", "count": 4}]})");
  call.interpreter->on_hangup();
  EXPECT_EQ(call.host.stops, 1);
  EXPECT_EQ(call.interpreter->exit_reason(), "caller_hangup");
  EXPECT_FALSE(call.host.hung_up);
  // The assistant hears it: a last turn, sent without waiting for an answer.
  ASSERT_EQ(call.host.final_requests.size(), 1u);
  auto t = parse_json_value(call.host.final_requests[0].body);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->member("event").as_string(), "hangup");
  EXPECT_EQ(t->member("turn").as_number(), 2);
  EXPECT_EQ(call.host.final_requests[0].url, "https://bot.example.com/turn");
  EXPECT_EQ(call.host.web_requests.size(), 1u);  // not a turn that waits
}

TEST(AssistantModule, HangupWhileATurnIsPendingIsSentToo) {
  Call call(kDesk);  // the start turn has not been answered yet
  call.interpreter->on_hangup();
  EXPECT_EQ(call.interpreter->exit_reason(), "caller_hangup");
  ASSERT_EQ(call.host.final_requests.size(), 1u);
  auto t = parse_json_value(call.host.final_requests[0].body);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->member("event").as_string(), "hangup");
}

TEST(AssistantModule, SpeechTurnsCarryTheUtterance) {
  Call call(kDesk);
  call.reply(R"({"text": "Sales or support?", "actions": [{"type": "collect_speech",
    "phrases": ["sales", "support"]}]})");
  finish_prompt(*call.interpreter, call.host);
  ASSERT_TRUE(call.host.listening);
  testing::say(*call.interpreter, call.host, "support", 0.9);
  ASSERT_EQ(call.host.web_requests.size(), 2u);
  EXPECT_EQ(call.turn().member("event").as_string(), "speech");
  EXPECT_EQ(call.turn().member("input").member("utterance").as_string(), "support");
}

TEST(AssistantModule, TheDocumentIsChecked) {
  auto bad = [](std::string_view module) {
    auto app = parse_app(app_json(module), "desk.json");
    EXPECT_FALSE(app.ok()) << module;
    return app.ok() ? std::string() : app.error().message;
  };
  EXPECT_NE(bad(R"({"type": "assistant", "name": "desk", "url": "http://bot.example.com"})")
                .find("https://"),
            std::string::npos);
  EXPECT_NE(bad(R"({"type": "assistant", "name": "desk"})").find("url"), std::string::npos);
  EXPECT_NE(bad(R"({"type": "assistant", "name": "desk", "url": "https://b.example.com",
    "failure": {"transfer": "+1555", "hangup": true}})")
                .find("not both"),
            std::string::npos);
  EXPECT_NE(bad(R"({"type": "assistant", "name": "desk", "url": "https://b.example.com",
    "max_turns": 0})")
                .find("max_turns"),
            std::string::npos);
}

TEST(AssistantModule, TheAppEgressListApplies) {
  Call call(kDesk, R"({"egress": ["api.example.com"]})");
  EXPECT_TRUE(call.host.web_requests.empty());
  EXPECT_TRUE(call.interpreter->finished());
  EXPECT_NE(call.interpreter->exit_reason().find("egress"), std::string::npos)
      << call.interpreter->exit_reason();
}

}  // namespace
}  // namespace keyline::flow
