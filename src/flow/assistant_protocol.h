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
    kPlayUrl,  // a WAV file the host fetches over https and plays
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
    kSendSipInfo,  // a SIP INFO in the call's dialog (headers and an optional body)
    kUnknown,      // an action this version does not know: logged (as "unknown") and skipped
  } kind = Kind::kUnknown;
  std::string text;           // play_text; send_sms's message
  bool barge_in = true;       // play_text (default: the module's current setting); barge_in on/off
  bool has_barge_in = false;  // play_text said barge_in itself
  bool exclude_from_cache = false;
  std::string url;                   // play_url (https://)
  AssistantDtmfCollect collect;      // collect_dtmf
  std::vector<std::string> phrases;  // collect_speech: what may be said
  double confidence_threshold = -1;  // collect_speech (0..1; -1: not given, set_asr's applies)
  std::string target;                // transfer target; send_sms "to"
  std::string mode = "blind";        // transfer: "blind" (REFER) or "bridged"
  // transfer: "refer" (mode applies) or "hangup": BYE with the target in `target_header`.
  std::string method = "refer";
  std::string target_header = "Transfer-Target";
  // transfer: X-... headers; send_sip_info: the INFO's headers.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;             // send_sip_info (optional)
  std::string content_type;     // send_sip_info: the body's type
  std::string uui;              // transfer: User-to-User
  std::string language;         // set_tts / set_asr
  std::string voice;            // set_tts
  int confidence_percent = -1;  // set_asr: the default collect_speech threshold (-1: unchanged)
  Value variables;              // end: a map
};

struct AssistantResponse {
  std::vector<AssistantAction> actions;  // the top-level "text" first, as a play_text
  // The service's own state ("variables"): sent back unchanged with every later turn, as IBM's
  // gateway round-trips its context. Absent: the previous turn's stays.
  std::optional<Value> variables;
};

// A header an assistant may put on a SIP INFO or on a transfer's BYE: a token of two or more
// characters that is none of the headers the SIP stack writes itself (Via, From, To, Call-ID,
// CSeq, Contact, Route, Content-Type, ... and the compact one-letter forms).
bool is_assistant_sip_header_name(std::string_view name);

// The action's name as the protocol spells it ("play_text", ...; "unknown").
std::string_view assistant_action_name(AssistantAction::Kind kind);

// Parses the answer. `is_private`: every value read is tainted private (a private module).
// Errors (kind "assistant"): not JSON, not an object, "actions" not a list, an action without a
// string "type", a known action with a missing or mistyped field, more than kMaxActions.
inline constexpr std::size_t kMaxAssistantActions = 64;
Result<AssistantResponse> parse_assistant_response(std::string_view body, bool is_private);

}  // namespace keyline::flow
