// `keyline call --answer sip:USER@HOST:PORT`: the test phone as the called party — a SIP UAS
// on HOST:PORT that answers one call (or refuses it with --reject STATUS), says --say
// phrases, prints the keys it receives (RFC 4733 or tones), measures the speech it hears,
// and hangs up after --hangup-after-ms (else waits for the BYE). The far end of bridged
// transfers in tests.
#pragma once

#include <ostream>
#include <string>

#include "base/log.h"

namespace keyline::server {

struct AnswerPhoneOptions {
  std::string listen;        // sip:USER@IP:PORT: the address to listen on (UDP)
  std::string say;           // phrases separated by '|', said once the caller falls quiet
  std::string dtmf;          // keys sent as tones in the audio, 1 s after answering
  std::string record_path;   // WAV of what the phone heard (8 kHz mono)
  int reject_status = 0;     // > 0: answer the INVITE with this final status instead
  int ring_ms = 0;           // ring (180) this long before answering
  int hangup_after_ms = -1;  // hang up this long after answering (-1: wait for BYE)
  int timeout_seconds = 60;  // give up after this long, whatever happens
  // With --reject: refuse this many calls, one after another, before exiting (a target that
  // stays busy for every attempt of a retried outbound call).
  int calls = 1;
};

// 0 when a call was answered (or refused as asked) and ended cleanly; 1 otherwise; 2 for bad
// options.
int run_answer_phone(const AnswerPhoneOptions& options, std::ostream& out, Logger& logger);

}  // namespace keyline::server
