// `keyline simulate APP.json`: run an app in a terminal — no SIP, no audio. Builders test a
// flow by reading its prompts and typing keys.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "flow/app_document.h"

namespace keyline::flow {

// Prompts are printed as "[prompt] <text>". When the app waits for keys it prints "[keys]> "
// and reads one line: each character is a key press (blanks are skipped); after the line, a
// still-waiting input module times out — so an empty line is "no input", and "1234" for a
// Digits module without "#" ends by the inter-digit timeout. End of input (Ctrl-D) is the
// caller hanging up. A REST module prints "[web] METHOD URL" and "[web]> ", and reads the
// web service's answer: "200 {\"ok\": true}" (status, then the body), "timeout", or
// "error TEXT". A module listening for speech prints "[keys or words]> ": a line with a
// lower-case letter is the caller's words, matched against its grammar (as `keyline test`'s
// say: does). A Transfer module prints "[transfer] MODE to TARGET" and "[transfer]> ", and
// reads how the far end behaves: "done", "busy", "noanswer", "error" or "answered SECONDS".
// An Email or SMS module prints
// "[email] ..." / "[sms] ..." with its text and counts as sent. At the end it prints every
// module visited and the exit reason.
// Returns 0 when the call ended normally, 1 on an app error ("error:..." exit reason).
// `callee_type` non-empty: an outbound call whose answering-machine detection says so after
// the first prompt (flow/scripted_callee.h).
int run_simulation(const AppDocument& app, std::istream& in, std::ostream& out,
                   const std::string& callee_type = {});

}  // namespace keyline::flow
