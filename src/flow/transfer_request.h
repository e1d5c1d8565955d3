// What a Transfer module asks of the host (FlowHost::transfer) and how the host reports the
// end of it (Interpreter::on_transfer_result). docs/apps.md, "transfer".
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyline::flow {

enum class TransferMode {
  kBlind,    // SIP REFER: the caller's phone calls the target; our leg ends once it connects
  kBridged,  // a second leg from the server; the caller's audio is relayed to it and back
};

struct TransferRequest {
  std::string module;  // the module's name (for the host's log; never a value)
  TransferMode mode = TransferMode::kBlind;
  // Placeholders substituted: a phone number ("+15551234567", separators removed) or a
  // sip:/sips:/tel: URI. Never holds a private value: the interpreter refuses those.
  std::string target;
  std::string caller_id;  // bridged: the From of the new leg ("" = the caller's own)
  // "X-..." and "User-to-User" only, values substituted (no CR/LF).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string dtmf;  // bridged: keys sent (RFC 4733) to the far end once it answers
  std::chrono::milliseconds timeout{30000};  // no answer within this: noanswer
  std::chrono::seconds max_duration{3600};   // bridged talk time limit: maxtime_disconnect
};

struct TransferResult {
  enum class Outcome {
    kDone,               // blind: the REFER was accepted and the target answered
    kNoAnswer,           // no answer in time (or 408/480/487 from the far end)
    kBusy,               // 486 / 600
    kFarEndDisconnect,   // bridged: the far end hung up after talking
    kMaxTimeDisconnect,  // bridged: max_duration reached; we hung up the far end
    kError,              // refused REFER, bad target, no route, other failures
  } outcome = Outcome::kError;
  int status = 0;       // the SIP status that decided it (0: none)
  double duration = 0;  // bridged talk time in seconds
  std::string error;    // for kError: what went wrong (host text, never a value)
};

// "done", "noanswer", "busy", "far_end_disconnect", "maxtime_disconnect", "error": the exit
// name and the module variable's value.
std::string_view transfer_outcome_name(TransferResult::Outcome outcome);

// Header names a Transfer module may set: "X-" followed by a token, or "User-to-User"
// (case-insensitive), as carriers allow.
bool is_transfer_header_name(std::string_view name);

// A target written without placeholders: a phone number (digits, optional leading '+', and
// the separators space ( ) - .) or a sip:/sips:/tel: URI. Returns the problem, or "".
std::string check_transfer_target(std::string_view target);

// The number with its separators removed ("(777) 555-1111" -> "7775551111"); a URI as is.
std::string normalize_transfer_target(std::string_view target);

}  // namespace keyline::flow
