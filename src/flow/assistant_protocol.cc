#include "flow/assistant_protocol.h"

#include <cmath>

#include "flow/json_value.h"

namespace keyline::flow {
namespace {

using Kind = AssistantAction::Kind;

struct ActionName {
  std::string_view name;
  Kind kind;
};

// IBM Voice Gateway's vgwAct* commands, in snake_case (docs/apps.md maps them).
constexpr ActionName kActionNames[] = {
    {"play_text", Kind::kPlayText},
    {"play_url", Kind::kPlayUrl},
    {"collect_dtmf", Kind::kCollectDtmf},
    {"collect_speech", Kind::kCollectSpeech},
    {"barge_in", Kind::kBargeIn},
    {"pause_dtmf", Kind::kPauseDtmf},
    {"resume_dtmf", Kind::kResumeDtmf},
    {"pause_speech", Kind::kPauseSpeech},
    {"resume_speech", Kind::kResumeSpeech},
    {"transfer", Kind::kTransfer},
    {"hangup", Kind::kHangup},
    {"send_sms", Kind::kSendSms},
    {"set_tts", Kind::kSetTts},
    {"set_asr", Kind::kSetAsr},
    {"end", Kind::kEnd},
    {"send_sip_info", Kind::kSendSipInfo},
};

Error bad(std::size_t index, std::string_view what) {
  return Error{"assistant", "action " + std::to_string(index + 1) + ": " + std::string(what)};
}

bool is_dtmf_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

// Field readers: absent is fine (the default stays), present with the wrong type is an error.
class Fields {
 public:
  Fields(const Value& action, std::size_t index) : action_(action), index_(index) {}

  std::optional<Error> text(std::string_view key, std::string& out, bool required = false) {
    const Value v = action_.member(key);
    if (v.is_null()) {
      if (required) return missing(key);
      return std::nullopt;
    }
    if (v.kind() != Value::Kind::kString) return wrong(key, "a string");
    out = v.as_string();
    return std::nullopt;
  }
  std::optional<Error> flag(std::string_view key, bool& out, bool* present = nullptr) {
    const Value v = action_.member(key);
    if (v.is_null()) return std::nullopt;
    if (v.kind() != Value::Kind::kBool) return wrong(key, "true or false");
    out = v.as_bool();
    if (present) *present = true;
    return std::nullopt;
  }
  std::optional<Error> integer(std::string_view key, int low, int high, int& out) {
    const Value v = action_.member(key);
    if (v.is_null()) return std::nullopt;
    if (v.kind() != Value::Kind::kNumber || v.as_number() != std::floor(v.as_number()) ||
        v.as_number() < low || v.as_number() > high)
      return wrong(key,
                   "a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    out = static_cast<int>(v.as_number());
    return std::nullopt;
  }
  std::optional<Error> ms(std::string_view key, std::optional<std::chrono::milliseconds>& out) {
    int value = -1;
    if (auto e = integer(key, 100, 600000, value)) return e;
    if (value >= 0) out = std::chrono::milliseconds(value);
    return std::nullopt;
  }
  std::optional<Error> key(std::string_view name, char& out) {
    std::string s;
    if (auto e = text(name, s)) return e;
    if (s.empty()) return std::nullopt;
    if (s.size() != 1 || !is_dtmf_key(s[0])) return wrong(name, "one key (0-9, *, #, A-D)");
    out = s[0];
    return std::nullopt;
  }
  std::optional<Error> pairs(std::string_view key,
                             std::vector<std::pair<std::string, std::string>>& out) {
    const Value v = action_.member(key);
    if (v.is_null()) return std::nullopt;
    if (v.kind() != Value::Kind::kMap) return wrong(key, "an object of strings");
    for (const auto& [name, value] : v.as_map()) {
      if (value.kind() != Value::Kind::kString) return wrong(key, "an object of strings");
      out.emplace_back(name, value.as_string());
    }
    return std::nullopt;
  }
  std::optional<Error> strings(std::string_view key, std::vector<std::string>& out) {
    const Value v = action_.member(key);
    if (v.is_null()) return std::nullopt;
    if (v.kind() != Value::Kind::kList) return wrong(key, "a list of strings");
    for (const auto& item : v.as_list()) {
      if (item.kind() != Value::Kind::kString) return wrong(key, "a list of strings");
      out.push_back(item.as_string());
    }
    return std::nullopt;
  }
  Error missing(std::string_view key) const {
    return bad(index_, "'" + std::string(key) + "' is required");
  }
  Error wrong(std::string_view key, const std::string& what) const {
    return bad(index_, "'" + std::string(key) + "' must be " + what);
  }

 private:
  const Value& action_;
  std::size_t index_;
};

// Reads the fields of one known action. The first problem wins.
std::optional<Error> read_fields(const Value& v, std::size_t index, AssistantAction& a) {
  Fields f(v, index);
  std::optional<Error> e;
  switch (a.kind) {
    case Kind::kPlayText:
      if ((e = f.text("text", a.text, true))) return e;
      if ((e = f.flag("barge_in", a.barge_in, &a.has_barge_in))) return e;
      return f.flag("exclude_from_cache", a.exclude_from_cache);
    case Kind::kPlayUrl:
      if ((e = f.text("url", a.url, true))) return e;
      if (a.url.rfind("https://", 0) != 0) return f.wrong("url", "an https:// URL");
      return f.flag("barge_in", a.barge_in, &a.has_barge_in);
    case Kind::kCollectDtmf: {
      AssistantDtmfCollect& c = a.collect;
      if ((e = f.integer("min", 1, 64, c.min)) || (e = f.integer("max", 1, 64, c.max)) ||
          (e = f.integer("count", 1, 64, c.count)) || (e = f.key("term_key", c.term_key)) ||
          (e = f.ms("timeout_ms", c.timeout)) ||
          (e = f.ms("inter_digit_timeout_ms", c.inter_digit_timeout)) ||
          (e = f.flag("ignore_speech", c.ignore_speech)))
        return e;
      if (c.min > c.max) return bad(index, "'min' is greater than 'max'");
      return std::nullopt;
    }
    case Kind::kCollectSpeech: {
      if ((e = f.strings("phrases", a.phrases))) return e;
      if (a.phrases.empty()) return f.missing("phrases");
      int percent = -1;  // absent: the set_asr default (-1 here)
      if ((e = f.integer("confidence_percent", 0, 100, percent))) return e;
      a.confidence_threshold = percent < 0 ? -1.0 : percent / 100.0;
      return std::nullopt;
    }
    case Kind::kBargeIn: {
      bool present = false;
      if ((e = f.flag("enabled", a.barge_in, &present))) return e;
      if (!present) return f.missing("enabled");
      return std::nullopt;
    }
    case Kind::kTransfer:
      if ((e = f.text("target", a.target, true)) || (e = f.text("mode", a.mode)) ||
          (e = f.pairs("headers", a.headers)) || (e = f.text("uui", a.uui)) ||
          (e = f.text("method", a.method)) || (e = f.text("target_header", a.target_header)))
        return e;
      if (a.mode != "blind" && a.mode != "bridged")
        return f.wrong("mode", "\"blind\" or \"bridged\"");
      if (a.method != "refer" && a.method != "hangup")
        return f.wrong("method", "\"refer\" or \"hangup\"");
      return std::nullopt;
    case Kind::kSendSipInfo:
      if ((e = f.pairs("headers", a.headers)) || (e = f.text("body", a.body)) ||
          (e = f.text("content_type", a.content_type)))
        return e;
      if (!a.body.empty() && a.content_type.empty()) a.content_type = "application/text";
      if (a.headers.empty() && a.body.empty()) return f.missing("headers' or 'body");
      return std::nullopt;
    case Kind::kSendSms:
      if ((e = f.text("text", a.text, true))) return e;
      return f.text("to", a.target);
    case Kind::kSetTts:
      if ((e = f.text("language", a.language))) return e;
      return f.text("voice", a.voice);
    case Kind::kSetAsr:
      if ((e = f.text("language", a.language))) return e;
      return f.integer("confidence_percent", 0, 100, a.confidence_percent);
    case Kind::kEnd: {
      const Value vars = v.member("variables");
      if (!vars.is_null() && vars.kind() != Value::Kind::kMap)
        return f.wrong("variables", "an object");
      a.variables = vars.is_null() ? Value::map({}) : vars;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

bool is_assistant_sip_header_name(std::string_view name) {
  // Compact forms (one letter) and the headers that make up the dialog, route it or frame the
  // body are the SIP stack's own.
  static constexpr std::string_view kReserved[] = {"via",
                                                   "from",
                                                   "to",
                                                   "call-id",
                                                   "cseq",
                                                   "contact",
                                                   "max-forwards",
                                                   "content-length",
                                                   "content-type",
                                                   "route",
                                                   "record-route",
                                                   "authorization",
                                                   "proxy-authorization",
                                                   "www-authenticate",
                                                   "proxy-authenticate",
                                                   "require",
                                                   "proxy-require",
                                                   "supported",
                                                   "allow",
                                                   "event",
                                                   "subscription-state",
                                                   "refer-to",
                                                   "referred-by",
                                                   "session-expires",
                                                   "min-se",
                                                   "rseq",
                                                   "rack",
                                                   "expires",
                                                   "content-encoding",
                                                   "content-disposition"};
  if (name.size() < 2) return false;
  std::string lower;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  for (auto reserved : kReserved)
    if (lower == reserved) return false;
  return true;
}

std::string_view assistant_action_name(AssistantAction::Kind kind) {
  for (const auto& n : kActionNames)
    if (n.kind == kind) return n.name;
  return "unknown";
}

std::string assistant_request_json(const AssistantSessionInfo& session, const AssistantTurn& turn,
                                   const Value& context, const Value& variables) {
  Value::Map s;
  s.emplace_back("id", Value::string(session.id));
  s.emplace_back("ani", Value::string(session.ani));
  s.emplace_back("dnis", Value::string(session.dnis));
  s.emplace_back("app", Value::string(session.app));
  Value::Map input;
  if (turn.event == "dtmf") {
    input.emplace_back("dtmf", Value::string(turn.dtmf));
    input.emplace_back("complete", Value::boolean(turn.dtmf_complete));
    if (turn.term_key) input.emplace_back("term_key", Value::string(std::string(1, turn.term_key)));
  } else if (turn.event == "speech") {
    input.emplace_back("utterance", Value::string(turn.utterance));
    input.emplace_back("confidence", Value::number(std::round(turn.confidence * 1000) / 1000));
  } else if (turn.event == "transfer_failed" || turn.event == "transfer_ended") {
    input.emplace_back("status", Value::number(turn.transfer_status));
  }
  Value::Map body;
  body.emplace_back("session", Value::map(std::move(s)));
  body.emplace_back("turn", Value::number(turn.turn));
  body.emplace_back("event", Value::string(turn.event));
  body.emplace_back("input", Value::map(std::move(input)));
  body.emplace_back("context", context.kind() == Value::Kind::kMap ? context : Value::map({}));
  body.emplace_back("variables",
                    variables.kind() == Value::Kind::kMap ? variables : Value::map({}));
  // reveal: the service is the one party meant to see the caller's input.
  return Value::map(std::move(body)).to_json(true);
}

Result<AssistantResponse> parse_assistant_response(std::string_view body, bool is_private) {
  auto parsed = parse_json_value(body, is_private);
  if (!parsed) return Error{"assistant", "the answer is not JSON (" + parsed.error().message + ")"};
  const Value& root = *parsed;
  if (root.kind() != Value::Kind::kMap) return Error{"assistant", "the answer is not an object"};
  AssistantResponse out;
  const Value text = root.member("text");
  if (!text.is_null()) {
    if (text.kind() != Value::Kind::kString) return Error{"assistant", "'text' must be a string"};
    AssistantAction say;
    say.kind = Kind::kPlayText;
    say.text = text.as_string();
    if (!say.text.empty()) out.actions.push_back(std::move(say));
  }
  const Value variables = root.member("variables");
  if (!variables.is_null()) {
    if (variables.kind() != Value::Kind::kMap)
      return Error{"assistant", "'variables' must be an object"};
    out.variables = variables;
  }
  const Value actions = root.member("actions");
  if (actions.is_null()) return out;
  if (actions.kind() != Value::Kind::kList) return Error{"assistant", "'actions' must be a list"};
  if (actions.as_list().size() > kMaxAssistantActions)
    return Error{"assistant", "more than " + std::to_string(kMaxAssistantActions) + " actions"};
  const auto& list = actions.as_list();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Value& item = list[i];
    if (item.kind() != Value::Kind::kMap) return bad(i, "not an object");
    const Value type = item.member("type");
    if (type.kind() != Value::Kind::kString) return bad(i, "'type' must be a string");
    AssistantAction action;
    for (const auto& n : kActionNames)
      if (n.name == type.as_string()) action.kind = n.kind;
    if (auto e = read_fields(item, i, action)) return *e;
    out.actions.push_back(std::move(action));
  }
  return out;
}

}  // namespace keyline::flow
