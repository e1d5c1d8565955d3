// `keyline call`: the built-in test phone. A SIP UAC with RTP that dials,
// keys digits (RFC 4733, or tones in the audio) when the far end falls quiet
// after speaking, records
// what it hears, and prints a timeline of the call. With --srtp it offers
// SRTP; the timeline names the suite but never prints a key.
#pragma once

#include <ostream>
#include <string>

#include "base/log.h"

namespace keyline::server {

struct PhoneOptions {
  std::string target;       // sip:USER@HOST:PORT[;transport=tcp|tls] or sips:USER@HOST:PORT
  std::string dtmf;         // groups separated by spaces: "1 12345#"
  // Phrases to speak, separated by '|' ("yes|sales"), each a turn after the DTMF groups:
  // synthesized with flite (rms voice, 8 kHz) and sent as RTP when the far end falls quiet.
  std::string say;
  // >= 0: a phrase is said this long after the far end starts a prompt, over it (speech
  // barge-in), instead of once it falls quiet.
  int say_over_ms = -1;
  std::string record_path;  // WAV of what the phone heard (8 kHz mono)
  std::string from = "sip:phone@keyline.invalid";
  bool tcp = false;
  // SIP over TLS (also implied by a sips: target): the server's certificate
  // must chain to ca_file (empty: the system store) and name the target host.
  bool tls = false;
  std::string ca_file;
  std::string cert_file;  // client certificate, for servers that verify clients
  std::string key_file;
  // Digest credentials for a server that challenges (401/407).
  std::string auth_user;
  std::string auth_password;
  int timeout_seconds = 60;  // hang up after this long, whatever happens
  int gap_ms = 800;          // quiet after speech that means "your turn"
  int hangup_after_ms = -1;  // hang up this long after the last digits (-1: wait for BYE)
  bool srtp = false;         // offer RTP/SAVP with SDES keys (a=crypto) instead of RTP/AVP
  std::string srtp_suite;    // offer only this suite (e.g. AEAD_AES_256_GCM); empty: all
  // Key in-band tones instead of RFC 4733, and offer no telephone-event: a
  // phone behind a trunk that only passes tones.
  bool inband_dtmf = false;
  // Key each digit as a SIP INFO (application/dtmf-relay), one every 200 ms, and offer no
  // telephone-event: a phone behind a trunk whose DTMF mode is info.
  bool info_dtmf = false;
  std::string codec;  // offer only this codec (PCMU, PCMA, G722); empty: PCMU and PCMA
  // A WAV file (8 kHz) the phone says, in its turn, for each "~" in `dtmf`: the caller's
  // voice for Record modules and recording tests.
  std::string speak_wav;
};

// Returns 0 when the call was answered, every digit group was sent and the
// call ended cleanly; 1 otherwise; 2 for bad options.
int run_phone(const PhoneOptions& options, std::ostream& out, Logger& logger);

}  // namespace keyline::server
