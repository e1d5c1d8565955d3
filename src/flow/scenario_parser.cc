// Reading scenario files (YAML through yaml-cpp, which keeps each node's position).
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "flow/scenario.h"
#include "flow/scripted_callee.h"

namespace keyline::flow {
namespace {

class ScenarioReader {
 public:
  explicit ScenarioReader(std::string_view file) : file_(file) {}

  void problem(const YAML::Node& n, const std::string& message) {
    const auto mark = n.Mark();
    problems_ += file_ + ":" + std::to_string(mark.line + 1) + ":" +
                 std::to_string(mark.column + 1) + ": " + message + "\n";
  }
  bool ok() const { return problems_.empty(); }
  std::string problems() const { return problems_.substr(0, problems_.size() - 1); }

  std::string scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      problem(n, what + " must be a text or a number");
      return "";
    }
    return n.Scalar();
  }

  std::vector<std::pair<std::string, std::string>> pairs(const YAML::Node& n,
                                                         const std::string& what) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!n.IsMap()) {
      problem(n, what + " must be a mapping of name: value");
      return out;
    }
    for (auto it = n.begin(); it != n.end(); ++it)
      out.emplace_back(it->first.Scalar(), scalar(it->second, what + "." + it->first.Scalar()));
    return out;
  }

  std::vector<std::string> list(const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      problem(n, what + " must be a list");
      return out;
    }
    for (const auto& item : n) out.push_back(scalar(item, what + " entry"));
    return out;
  }

  void step(const YAML::Node& n, Scenario& s) {
    if (!n.IsMap() || n.size() != 1) {
      problem(n,
              "a step is one of: expect_prompt: TEXT, press: KEYS, silence: true, hangup: true, "
              "web_response: {status, body} | timeout, expect_request: TEXT, say: WORDS, "
              "record: SECONDS, transfer: OUTCOME");
      return;
    }
    const auto it = n.begin();
    const std::string key = it->first.Scalar();
    ScenarioStep st{ScenarioStep::Kind::kPress, "", it->first.Mark().line + 1};
    if (key == "expect_prompt") {
      st.kind = ScenarioStep::Kind::kExpectPrompt;
      st.text = scalar(it->second, key);
    } else if (key == "press") {
      st.text = scalar(it->second, key);
      for (char c : st.text) {
        const bool is_key =
            (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D') || c == ' ';
        if (!is_key) {
          problem(it->second, "press: only phone keys 0-9 * # A-D (and spaces)");
          break;
        }
      }
    } else if (key == "web_response") {
      st.kind = ScenarioStep::Kind::kWebResponse;
      web_response(it->second, st.web);
    } else if (key == "expect_request") {
      st.kind = ScenarioStep::Kind::kExpectRequest;
      st.text = scalar(it->second, key);
    } else if (key == "say") {
      st.kind = ScenarioStep::Kind::kSay;
      say(it->second, st);
    } else if (key == "record") {
      // record: SECONDS (the caller speaks that long; a key or silence then ends it)
      st.kind = ScenarioStep::Kind::kRecord;
      const auto seconds = parse_number(scalar(it->second, key));
      if (!seconds || *seconds <= 0 || *seconds > 3600) {
        problem(it->second, "record: the seconds the caller speaks (0-3600)");
      } else {
        st.seconds = *seconds;
      }
    } else if (key == "transfer") {
      st.kind = ScenarioStep::Kind::kTransfer;
      transfer(it->second, st);
    } else if (key == "message") {
      st.kind = ScenarioStep::Kind::kMessageResult;
      message_result(it->second, st.message);
    } else if (key == "expect_message") {
      st.kind = ScenarioStep::Kind::kExpectMessage;
      st.text = scalar(it->second, key);
    } else if (key == "silence" || key == "hangup") {
      st.kind = key == "silence" ? ScenarioStep::Kind::kSilence : ScenarioStep::Kind::kHangup;
    } else {
      problem(it->first, "unknown step '" + key +
                             "' (known: expect_prompt, press, silence, hangup, web_response, "
                             "expect_request, say, record, transfer, message, expect_message)");
      return;
    }
    s.steps.push_back(std::move(st));
  }

  // done | busy | noanswer | error | answered | {answered: SECONDS} | {OUTCOME: ..., status: N}:
  // how the waiting Transfer module's far end behaves. {answered: SECONDS}: it answers and
  // hangs up after SECONDS (unless the module's max_duration_s comes first).
  void transfer(const YAML::Node& n, ScenarioStep& st) {
    static const std::vector<std::string> kOutcomes = {"done", "answered", "busy", "noanswer",
                                                       "error"};
    auto outcome = [&](const std::string& word, const YAML::Node& at) {
      for (const auto& known : kOutcomes) {
        if (word == known) {
          st.transfer = word;
          return;
        }
      }
      problem(at, "transfer: one of done, answered, busy, noanswer, error");
    };
    if (n.IsScalar()) {
      outcome(n.Scalar(), n);
      return;
    }
    if (!n.IsMap()) {
      problem(n, "transfer must be an outcome or a mapping {answered: SECONDS, status: N}");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "status") {
        const auto status = parse_number(scalar(it->second, "transfer.status"));
        if (!status || *status < 100 || *status > 699) {
          problem(it->second, "transfer.status must be a SIP status (100-699)");
        } else {
          st.status = static_cast<int>(*status);
        }
        continue;
      }
      outcome(key, it->first);
      if (key == "answered") {
        const auto seconds = parse_number(scalar(it->second, "transfer.answered"));
        if (!seconds || *seconds < 0 || *seconds > 86400) {
          problem(it->second, "transfer.answered: the seconds the far end talks (0-86400)");
        } else {
          st.seconds = *seconds;
        }
      }
    }
    if (st.transfer.empty()) problem(n, "transfer needs an outcome (done, answered, ...)");
  }

  // sent | {error: TEXT} | {id: TEXT}: how the Email or SMS module's message went.
  void message_result(const YAML::Node& n, MessageResult& out) {
    if (n.IsScalar() && n.Scalar() == "sent") {
      out.sent = true;
      return;
    }
    if (!n.IsMap() || n.size() != 1) {
      problem(n, "message must be sent, {error: TEXT} or {id: TEXT}");
      return;
    }
    const auto it = n.begin();
    const std::string key = it->first.Scalar();
    if (key == "error") {
      out.error = scalar(it->second, "message.error");
    } else if (key == "id") {
      out.sent = true;
      out.id = scalar(it->second, "message.id");
    } else {
      problem(it->first, "unknown key '" + key + "' in message (known: error, id)");
    }
  }

  // WORDS | {text: WORDS, confidence: 0..1}: what the caller says to a module listening for
  // speech (confidence 1 unless given).
  void say(const YAML::Node& n, ScenarioStep& st) {
    if (n.IsScalar()) {
      st.text = n.Scalar();
      return;
    }
    if (!n.IsMap()) {
      problem(n, "say must be the words, or a mapping {text: WORDS, confidence: 0..1}");
      return;
    }
    bool has_text = false;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "text") {
        st.text = scalar(it->second, "say.text");
        has_text = true;
      } else if (key == "confidence") {
        const auto c = parse_number(scalar(it->second, "say.confidence"));
        if (!c || *c < 0 || *c > 1) {
          problem(it->second, "say.confidence must be a number from 0 to 1");
        } else {
          st.confidence = *c;
        }
      } else {
        problem(it->first, "unknown key '" + key + "' in say (known: text, confidence)");
      }
    }
    if (!has_text) problem(n, "say needs text: WORDS");
  }

  // timeout | {error: TEXT} | {status: N, body: TEXT, headers: {name: value}}
  void web_response(const YAML::Node& n, WebResponse& out) {
    if (n.IsScalar() && n.Scalar() == "timeout") {
      out.outcome = WebResponse::Outcome::kTimeout;
      out.error = "timeout";
      return;
    }
    if (!n.IsMap()) {
      problem(n, "web_response must be timeout or a mapping with status and body (or error)");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "status") {
        const auto status = parse_number(scalar(it->second, key));
        if (!status || *status < 100 || *status > 599) {
          problem(it->second, "status must be an HTTP status code (100-599)");
        } else {
          out.status = static_cast<int>(*status);
        }
      } else if (key == "body") {
        out.body = scalar(it->second, key);
      } else if (key == "error") {
        out.outcome = WebResponse::Outcome::kError;
        out.error = scalar(it->second, key);
      } else if (key == "headers") {
        out.headers = pairs(it->second, key);
      } else {
        problem(it->first, "unknown key '" + key + "' (known: status, body, headers, error)");
      }
    }
    if (out.outcome == WebResponse::Outcome::kResponse && out.status == 0)
      problem(n, "web_response needs a status (or error)");
  }

  Scenario scenario(const YAML::Node& n, std::size_t index) {
    Scenario s;
    s.name = "scenario " + std::to_string(index + 1);
    if (!n.IsMap()) {
      problem(n, "a scenario must be a mapping with name, steps and expect");
      return s;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;
      if (key == "name") {
        s.name = scalar(v, key);
      } else if (key == "session") {
        s.session = pairs(v, key);
      } else if (key == "callee_type") {
        s.callee_type = scalar(v, key);
        if (!valid_callee_type(s.callee_type))
          problem(v, "callee_type must be voice, answeringmachine, fax or unknown");
      } else if (key == "parameters") {
        s.parameters = pairs(v, key);
      } else if (key == "steps") {
        if (!v.IsSequence()) {
          problem(v, "steps must be a list");
          continue;
        }
        for (const auto& item : v) step(item, s);
      } else if (key == "expect") {
        expect(v, s);
      } else {
        problem(it->first, "unknown key '" + key +
                               "' (known: name, session, callee_type, parameters, steps, expect)");
      }
    }
    return s;
  }

  void expect(const YAML::Node& n, Scenario& s) {
    if (!n.IsMap()) {
      problem(n, "expect must be a mapping");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "end") {
        s.expect_end = scalar(it->second, "expect.end");
      } else if (key == "variables") {
        s.expect_variables = pairs(it->second, "expect.variables");
      } else if (key == "log") {
        s.expect_log = list(it->second, "expect.log");
      } else if (key == "visits") {
        s.expect_visits = list(it->second, "expect.visits");
      } else {
        problem(it->first, "unknown key '" + key + "' (known: end, variables, log, visits)");
      }
    }
  }

 private:
  std::string file_;
  std::string problems_;
};

}  // namespace

Result<std::vector<Scenario>> parse_scenarios(std::string_view yaml_text,
                                              std::string_view file_name) {
  ScenarioReader reader(file_name);
  std::vector<Scenario> out;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (root.IsSequence()) {
      for (std::size_t i = 0; i < root.size(); ++i) out.push_back(reader.scenario(root[i], i));
    } else {
      out.push_back(reader.scenario(root, 0));
    }
  } catch (const YAML::Exception& e) {
    return make_error("scenario", std::string(file_name) + ":" + std::to_string(e.mark.line + 1) +
                                      ":" + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!reader.ok()) return make_error("scenario", reader.problems());
  return out;
}

Result<std::vector<Scenario>> load_scenarios(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error("scenario", path + ": cannot open the file");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_scenarios(text.str(), path);
}

}  // namespace keyline::flow
