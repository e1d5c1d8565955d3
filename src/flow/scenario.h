// App tests without a phone: a scenario is a scripted call — keys the caller presses, silences,
// a hang-up — with what the caller should hear and how the call should end. `keyline test`
// runs scenarios through the real interpreter (docs/app-testing.md has the format).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "flow/app_document.h"
#include "flow/transfer_request.h"
#include "flow/message_request.h"
#include "flow/web_request.h"

namespace keyline::flow {

struct ScenarioStep {
  enum class Kind {
    kExpectPrompt,
    kPress,
    kSilence,
    kHangup,
    kWebResponse,
    kExpectRequest,
    kSay,
    kRecord,    // the caller speaks for `seconds` to a Record module
    kTransfer,  // the far end of the waiting Transfer answers (for `seconds`), or does not
    // Email and SMS (issue 7): the outcome of the message waiting to go, and a check of it.
    kMessageResult,
    kExpectMessage,
  } kind;
  // The prompt text expected (a substring), the keys pressed, or for expect_request a
  // substring of "METHOD URL\nBODY" of the REST request waiting for its answer.
  std::string text;
  int line = 0;     // in the scenario file, for failure messages
  WebResponse web;  // web_response: the web service's scripted answer
  // say: the words are matched against the module's grammar without audio, as if recognised
  // with this confidence.
  double confidence = 1.0;
  double seconds = 0;  // record: how long the caller speaks; transfer: answered talk time
  // transfer: how it went ("done", "answered", "busy", "noanswer", "error") and the SIP
  // status the far end gave (0: the usual one for that outcome).
  std::string transfer;
  int status = 0;
  // message: sent | {error: TEXT} | {id: TEXT}; expect_message: a substring of
  // "TO\nSUBJECT\nBODY" (recipients comma-separated; SMS has an empty subject) in `text`.
  MessageResult message;
};

struct Scenario {
  std::string name;
  std::vector<std::pair<std::string, std::string>> session;  // session variables
  // An outbound call: answering-machine detection's decision (scripted_callee.h), and the call
  // parameters the app gets as variables. Empty: an inbound call.
  std::string callee_type;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<ScenarioStep> steps;
  std::string expect_end;  // exit reason; "" = not checked
  std::vector<std::pair<std::string, std::string>> expect_variables;
  std::vector<std::string> expect_log;     // Call Log lines, in order (all of them)
  std::vector<std::string> expect_visits;  // "page/module" in order (a subsequence)
};

// A scenario file holds one scenario (a YAML mapping) or several (a YAML list of them).
// Errors: "file:line:col: message".
Result<std::vector<Scenario>> parse_scenarios(std::string_view yaml_text,
                                              std::string_view file_name);
Result<std::vector<Scenario>> load_scenarios(const std::string& path);

struct ScenarioResult {
  std::string name;
  bool passed = false;
  std::vector<std::string> failures;  // private values appear as [private]
  std::vector<std::string> heard;     // every prompt, for the report ([private] if it said one)
};

ScenarioResult run_scenario(const AppDocument& app, const Scenario& scenario);

}  // namespace keyline::flow
