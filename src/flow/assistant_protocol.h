// The Assistant module's wire protocol (docs/apps.md, "assistant"): the JSON a caller turn is
// POSTed as, and the answer — text to speak and an ordered list of actions — read into plain
// structs. Pure functions: no I/O, no interpreter. The answer comes from a remote service, so
// it is untrusted: every problem is an error value naming the place, never echoing its text
// (which may carry what the caller said).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "flow/value.h"

namespace keyline::flow {

// What the call is, sent with every turn.
struct AssistantSessionInfo {
  std::string id;
  std::string ani;
  std::string dnis;
  std::string app;
};

// One caller turn.
struct AssistantTurn {
  int turn = 1;  // 1 for the "start" turn
  // "start", "dtmf", "speech", "noinput", "nomatch", "transfer_failed", "transfer_ended".
  std::string event = "start";
  std::string dtmf;           // event "dtmf": the keys (without the term key)
  bool dtmf_complete = true;  // false: the inter-digit timeout ended a short entry
  char term_key = '\0';       // the key that ended the entry, if any
  std::string utterance;      // event "speech": the words heard
  double confidence = 0;      // ... and how sure the recognizer was
  int transfer_status = 0;    // transfer_*: the SIP status that decided it (0: none)
};

// The request body: {"session": {...}, "turn": n, "event": "...", "input": {...},
// "context": {...}, "variables": {...}}. `context` and `variables` must be maps (or null, sent
// as {}). Private values are written as they are (the request goes over https only).
std::string assistant_request_json(const AssistantSessionInfo& session, const AssistantTurn& turn,
                                   const Value& context, const Value& variables);

struct AssistantDtmfCollect {
  int min = 1;
  int max = 32;
  int count = 0;                                     // exact count (0: none; min/max then apply)
  char term_key = '\0';                              // '\0': none
  std::optional<std::chrono::milliseconds> timeout;  // wait for the first key
  std::optional<std::chrono::milliseconds> inter_digit_timeout;  // wait between keys
  bool ignore_speech = false;
};

struct AssistantAction {
  enum class Kind {
    kPlayText,
    kPlayUrl,  // parsed, not played yet (docs): logged and skipped
    kCollectDtmf,
    kCollectSpeech,
    kBargeIn,
    kPauseDtmf,
    kResumeDtmf,
    kPauseSpeech,
    kResumeSpeech,
    kTransfer,
    kHangup,
    kSendSms,
    kSetTts,
    kSetAsr,
    kEnd,
    kUnknown,  // an action this version does not know: logged (as "unknown") and skipped
  } kind = Kind::kUnknown;
  std::string text;           // play_text; send_sms's message
  bool barge_in = true;       // play_text (default: the module's current setting); barge_in on/off
  bool has_barge_in = false;  // play_text said barge_in itself
  bool exclude_from_cache = false;
  std::string url;                    // play_url
  AssistantDtmfCollect collect;       // collect_dtmf
  std::vector<std::string> phrases;   // collect_speech: what may be said
  double confidence_threshold = 0.5;  // collect_speech
  std::string target;                 // transfer target; send_sms "to"
  std::string mode = "blind";         // transfer: "blind" (REFER) or "bridged"
  std::vector<std::pair<std::string, std::string>> headers;  // transfer: X-... headers
  std::string uui;                                           // transfer: User-to-User
  std::string language;                                      // set_tts / set_asr
  std::string voice;                                         // set_tts
  Value variables;                                           // end: a map
};

struct AssistantResponse {
  std::vector<AssistantAction> actions;  // the top-level "text" first, as a play_text
  // The service's own state ("variables"): sent back unchanged with every later turn, as IBM's
  // gateway round-trips its context. Absent: the previous turn's stays.
  std::optional<Value> variables;
};

// The action's name as the protocol spells it ("play_text", ...; "unknown").
std::string_view assistant_action_name(AssistantAction::Kind kind);

// Parses the answer. `is_private`: every value read is tainted private (a private module).
// Errors (kind "assistant"): not JSON, not an object, "actions" not a list, an action without a
// string "type", a known action with a missing or mistyped field, more than kMaxActions.
inline constexpr std::size_t kMaxAssistantActions = 64;
Result<AssistantResponse> parse_assistant_response(std::string_view body, bool is_private);

}  // namespace keyline::flow
