// The Assistant module's JSON mapping: the turn request it writes and the answers it accepts
// or refuses (every malformed answer is an error value, never a crash or a silent default).
#include <gtest/gtest.h>

#include "flow/assistant_protocol.h"
#include "flow/json_value.h"

namespace keyline::flow {
namespace {

using Kind = AssistantAction::Kind;

AssistantResponse parse_ok(std::string_view body, bool is_private = false) {
  auto r = parse_assistant_response(body, is_private);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : AssistantResponse{};
}

std::string parse_error(std::string_view body) {
  auto r = parse_assistant_response(body, false);
  EXPECT_FALSE(r.ok()) << body;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().kind, "assistant");
  return r.error().message;
}

TEST(AssistantRequest, CarriesSessionTurnEventInputContextAndVariables) {
  AssistantSessionInfo session{"call-1", "+15550001", "+15550002", "desk"};
  AssistantTurn turn;
  turn.turn = 2;
  turn.event = "dtmf";
  turn.dtmf = "1234";
  turn.term_key = '#';
  Value::Map context;
  context.emplace_back("account_type", Value::string("gold"));
  Value::Map vars;
  vars.emplace_back("step", Value::number(3));
  const std::string json = assistant_request_json(session, turn, Value::map(std::move(context)),
                                                  Value::map(std::move(vars)));
  auto v = parse_json_value(json);
  ASSERT_TRUE(v.ok()) << json;
  EXPECT_EQ(v->member("session").member("id").as_string(), "call-1");
  EXPECT_EQ(v->member("session").member("ani").as_string(), "+15550001");
  EXPECT_EQ(v->member("session").member("dnis").as_string(), "+15550002");
  EXPECT_EQ(v->member("session").member("app").as_string(), "desk");
  EXPECT_EQ(v->member("turn").as_number(), 2);
  EXPECT_EQ(v->member("event").as_string(), "dtmf");
  EXPECT_EQ(v->member("input").member("dtmf").as_string(), "1234");
  EXPECT_TRUE(v->member("input").member("complete").as_bool());
  EXPECT_EQ(v->member("input").member("term_key").as_string(), "#");
  EXPECT_EQ(v->member("context").member("account_type").as_string(), "gold");
  EXPECT_EQ(v->member("variables").member("step").as_number(), 3);
}

TEST(AssistantRequest, PrivateInputIsSentNotMasked) {
  // The service is the party meant to hear the caller; the request goes over https only.
  AssistantTurn turn;
  turn.event = "speech";
  turn.utterance = "my pin is one two";
  turn.confidence = 0.8765;
  Value::Map context;
  context.emplace_back("pin", Value::string("4321", true));
  const std::string json =
      assistant_request_json({}, turn, Value::map(std::move(context)), Value());
  auto v = parse_json_value(json);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->member("context").member("pin").as_string(), "4321");
  EXPECT_EQ(v->member("input").member("utterance").as_string(), "my pin is one two");
  EXPECT_DOUBLE_EQ(v->member("input").member("confidence").as_number(), 0.877);
  EXPECT_EQ(v->member("variables").kind(), Value::Kind::kMap);  // null is sent as {}
  EXPECT_TRUE(v->member("input").member("dtmf").is_null());
}

TEST(AssistantRequest, StartAndNoInputTurnsHaveAnEmptyInput) {
  for (const char* event : {"start", "noinput", "nomatch"}) {
    AssistantTurn turn;
    turn.event = event;
    auto v = parse_json_value(assistant_request_json({}, turn, Value(), Value()));
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->member("event").as_string(), event);
    EXPECT_TRUE(v->member("input").as_map().empty()) << event;
  }
}

TEST(AssistantResponse, TextComesFirstThenActionsInOrder) {
  const auto r = parse_ok(R"({"text": "Hello", "actions": [
    {"type": "collect_dtmf", "count": 4, "term_key": "#", "inter_digit_timeout_ms": 2500,
     "timeout_ms": 8000, "ignore_speech": true},
    {"type": "play_text", "text": "Go ahead", "barge_in": false, "exclude_from_cache": true}]})");
  ASSERT_EQ(r.actions.size(), 3u);
  EXPECT_EQ(r.actions[0].kind, Kind::kPlayText);
  EXPECT_EQ(r.actions[0].text, "Hello");
  EXPECT_FALSE(r.actions[0].has_barge_in);
  const auto& c = r.actions[1].collect;
  EXPECT_EQ(r.actions[1].kind, Kind::kCollectDtmf);
  EXPECT_EQ(c.count, 4);
  EXPECT_EQ(c.term_key, '#');
  EXPECT_EQ(c.inter_digit_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(c.timeout, std::chrono::milliseconds(8000));
  EXPECT_TRUE(c.ignore_speech);
  EXPECT_TRUE(r.actions[2].has_barge_in);
  EXPECT_FALSE(r.actions[2].barge_in);
  EXPECT_TRUE(r.actions[2].exclude_from_cache);
  EXPECT_FALSE(r.variables.has_value());
}

TEST(AssistantResponse, ReadsEveryKnownAction) {
  const auto r = parse_ok(R"({"actions": [
    {"type": "play_url", "url": "https://example.com/hold.wav"},
    {"type": "collect_speech", "phrases": ["sales", "support"], "confidence_percent": 40},
    {"type": "barge_in", "enabled": false},
    {"type": "pause_dtmf"}, {"type": "resume_dtmf"},
    {"type": "pause_speech"}, {"type": "resume_speech"},
    {"type": "transfer", "target": "sip:agent@example.com", "mode": "bridged",
     "headers": {"X-Reason": "billing"}, "uui": "04a1;encoding=hex"},
    {"type": "send_sms", "text": "Your code", "to": "+15550003"},
    {"type": "set_tts", "language": "es-ES", "voice": "es"},
    {"type": "set_asr", "language": "es-ES"},
    {"type": "hangup"},
    {"type": "end", "variables": {"account": "1234", "ok": true}}],
    "variables": {"step": 2}})");
  ASSERT_EQ(r.actions.size(), 13u);
  const Kind kinds[] = {Kind::kPlayUrl,      Kind::kCollectSpeech, Kind::kBargeIn,
                        Kind::kPauseDtmf,    Kind::kResumeDtmf,    Kind::kPauseSpeech,
                        Kind::kResumeSpeech, Kind::kTransfer,      Kind::kSendSms,
                        Kind::kSetTts,       Kind::kSetAsr,        Kind::kHangup,
                        Kind::kEnd};
  for (std::size_t i = 0; i < 13; ++i) EXPECT_EQ(r.actions[i].kind, kinds[i]) << i;
  EXPECT_EQ(r.actions[0].url, "https://example.com/hold.wav");
  EXPECT_EQ(r.actions[1].phrases, (std::vector<std::string>{"sales", "support"}));
  EXPECT_DOUBLE_EQ(r.actions[1].confidence_threshold, 0.4);
  EXPECT_FALSE(r.actions[2].barge_in);
  EXPECT_EQ(r.actions[7].target, "sip:agent@example.com");
  EXPECT_EQ(r.actions[7].mode, "bridged");
  ASSERT_EQ(r.actions[7].headers.size(), 1u);
  EXPECT_EQ(r.actions[7].headers[0].first, "X-Reason");
  EXPECT_EQ(r.actions[7].uui, "04a1;encoding=hex");
  EXPECT_EQ(r.actions[8].target, "+15550003");
  EXPECT_EQ(r.actions[9].voice, "es");
  EXPECT_EQ(r.actions[10].language, "es-ES");
  EXPECT_EQ(r.actions[12].variables.member("account").as_string(), "1234");
  ASSERT_TRUE(r.variables.has_value());
  EXPECT_EQ(r.variables->member("step").as_number(), 2);
  for (std::size_t i = 0; i < 13; ++i)
    EXPECT_NE(assistant_action_name(r.actions[i].kind), "unknown") << i;
}

TEST(AssistantResponse, SipInfoTransferByHangupAndAsrOptions) {
  const auto r = parse_ok(R"({"actions": [
    {"type": "send_sip_info", "headers": {"X-Case": "42"}, "body": "state=1"},
    {"type": "transfer", "target": "+15550100", "method": "hangup", "target_header": "X-Target"},
    {"type": "set_asr", "confidence_percent": 70},
    {"type": "play_url", "url": "https://example.com/a.wav", "barge_in": false}]})");
  ASSERT_EQ(r.actions.size(), 4u);
  EXPECT_EQ(r.actions[0].kind, Kind::kSendSipInfo);
  EXPECT_EQ(assistant_action_name(r.actions[0].kind), "send_sip_info");
  ASSERT_EQ(r.actions[0].headers.size(), 1u);
  EXPECT_EQ(r.actions[0].body, "state=1");
  EXPECT_EQ(r.actions[0].content_type, "application/text");  // VGW's default
  EXPECT_EQ(r.actions[1].method, "hangup");
  EXPECT_EQ(r.actions[1].target_header, "X-Target");
  EXPECT_EQ(r.actions[2].confidence_percent, 70);
  EXPECT_TRUE(r.actions[3].has_barge_in);
  EXPECT_FALSE(r.actions[3].barge_in);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "send_sip_info"}]})").find("is required"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "transfer", "target": "+1555", "method": "x"}]})")
                .find("'method'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "play_url", "url": "http://a.example/x.wav"}]})")
                .find("https"),
            std::string::npos);
}

TEST(AssistantResponse, UnknownActionsAreKeptAsUnknown) {
  const auto r =
      parse_ok(R"({"actions": [{"type": "vgwActDance", "speed": 3}, {"type": "hangup"}]})");
  ASSERT_EQ(r.actions.size(), 2u);
  EXPECT_EQ(r.actions[0].kind, Kind::kUnknown);
  EXPECT_EQ(assistant_action_name(r.actions[0].kind), "unknown");
  EXPECT_EQ(r.actions[1].kind, Kind::kHangup);
}

TEST(AssistantResponse, PrivateModuleTaintsWhatItReads) {
  const auto r = parse_ok(R"({"actions": [{"type": "end", "variables": {"pin": "1234"}}]})", true);
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_TRUE(r.actions[0].variables.member("pin").is_private());
}

TEST(AssistantResponse, AnEmptyObjectIsNoActions) {
  EXPECT_TRUE(parse_ok("{}").actions.empty());
  EXPECT_TRUE(parse_ok(R"({"text": ""})").actions.empty());
}

TEST(AssistantResponse, MalformedAnswersAreErrors) {
  EXPECT_NE(parse_error("").find("not JSON"), std::string::npos);
  EXPECT_NE(parse_error("{\"actions\": [").find("not JSON"), std::string::npos);
  EXPECT_NE(parse_error("[1, 2]").find("not an object"), std::string::npos);
  EXPECT_NE(parse_error(R"({"text": 5})").find("'text'"), std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": {}})").find("'actions'"), std::string::npos);
  EXPECT_NE(parse_error(R"({"variables": []})").find("'variables'"), std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [3]})").find("action 1"), std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"kind": "hangup"}]})").find("'type'"), std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "hangup"}, {"type": "play_text"}]})")
                .find("action 2: 'text' is required"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "play_text", "text": "a", "barge_in": "no"}]})")
                .find("'barge_in'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "collect_dtmf", "count": 2.5}]})").find("'count'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "collect_dtmf", "max": 500}]})").find("'max'"),
            std::string::npos);
  EXPECT_NE(
      parse_error(R"({"actions": [{"type": "collect_dtmf", "min": 5, "max": 2}]})").find("greater"),
      std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "collect_dtmf", "term_key": "##"}]})")
                .find("'term_key'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "collect_dtmf", "timeout_ms": 5}]})")
                .find("'timeout_ms'"),
            std::string::npos);
  EXPECT_NE(
      parse_error(R"({"actions": [{"type": "collect_speech", "phrases": []}]})").find("'phrases'"),
      std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "barge_in"}]})").find("'enabled'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "transfer"}]})").find("'target'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "transfer", "target": "1", "mode": "x"}]})")
                .find("'mode'"),
            std::string::npos);
  EXPECT_NE(
      parse_error(R"({"actions": [{"type": "transfer", "target": "1", "headers": {"a": 1}}]})")
          .find("'headers'"),
      std::string::npos);
  EXPECT_NE(parse_error(R"({"actions": [{"type": "end", "variables": [1]}]})").find("'variables'"),
            std::string::npos);
}

TEST(AssistantResponse, ErrorsNeverEchoTheAnswer) {
  // The answer may repeat what the caller said: an error names places, not text.
  const std::string secret = "4111111111111111";
  for (const std::string& body :
       {"{\"text\": " + secret + "}",
        "{\"actions\": [{\"type\": \"play_text\", \"text\": " + secret + "0}]}x",
        "{\"actions\": \"" + secret + "\"}"}) {
    auto r = parse_assistant_response(body, false);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().message.find(secret), std::string::npos) << r.error().message;
  }
}

TEST(AssistantResponse, TooManyActionsAreRefused) {
  std::string body = R"({"actions": [)";
  for (std::size_t i = 0; i <= kMaxAssistantActions; ++i)
    body += std::string(i ? "," : "") + R"({"type": "pause_dtmf"})";
  body += "]}";
  EXPECT_NE(parse_error(body).find("more than"), std::string::npos);
}

}  // namespace
}  // namespace keyline::flow
