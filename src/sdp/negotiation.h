// RFC 3264 offer/answer for one audio stream (G.711 or G.722) plus RFC 4733
// telephone-events, optionally SRTP-protected with SDES keys (RFC 4568):
// what an IVR answers and what its test phone offers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/secure_random.h"
#include "sdp/crypto.h"
#include "sdp/session.h"

namespace keyline::sdp {

// G.722 is PT 9 with "G722/8000": its RTP clock is 8000 although it samples
// at 16 kHz (RFC 3551 4.5.2), and an rtpmap saying 16000 is not G.722 as
// RTP carries it.
enum class Codec { kPcmu, kPcma, kG722 };

std::string_view codec_name(Codec codec);  // "PCMU" / "PCMA" / "G722"

struct LocalMedia {
  std::string address;  // IPv4 dotted
  std::uint16_t rtp_port = 0;
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 1;
  // Those we accept, in our offer's order (answers follow the offerer's).
  // G.722 is opt-in: the server and `keyline call --codec G722` add it.
  std::vector<Codec> codecs = {Codec::kPcmu, Codec::kPcma};
  // Used in our offers; 0 = no RFC 4733: not offered, and not accepted in
  // answers (the peer then has to send tones).
  int telephone_event_pt = 101;
  int ptime = 20;  // what we want to receive
  // Answering: off declines RTP/SAVP, mandatory declines RTP/AVP, optional
  // takes either. Offering: see make_secure_offer.
  SrtpPolicy srtp = SrtpPolicy::kOff;
  std::vector<SrtpSuite> srtp_suites = all_suites();  // those we accept, offer order
  RandomFill random;  // key source; empty = the system CSPRNG (tests inject)
  // RTCP multiplexed on the RTP port (RFC 5761): accepted when an offer asks for it, and
  // offered (with a=rtcp naming rtp_port + 1 for a peer that declines it). False: neither.
  bool rtcp_mux = true;
};

// The outcome of a negotiation, from the local side's point of view.
struct NegotiatedMedia {
  std::string remote_address;
  std::uint16_t remote_port = 0;
  Codec codec = Codec::kPcmu;
  int payload_type = 0;  // 0, 8 or 9 normally; the peer's PT if it mapped one dynamically
  std::optional<int> telephone_event_pt;  // the offerer's PT; nullopt = no RFC 4733
  int ptime = 20;  // packetization to send with: the peer's a=ptime, else ours
  Direction direction = Direction::kSendRecv;  // what we may do: send, receive, both
  std::optional<SrtpKeys> srtp;                // nullopt = plain RTP
  // Both sides agreed to RFC 5761: RTCP (SRTCP) goes to and comes from the RTP port.
  bool rtcp_mux = false;
  // Without rtcp_mux: the peer's a=rtcp (RFC 3605), its address filled in with the stream's
  // when the line named none; nullopt = the remote RTP port + 1 (RFC 3550 11).
  std::optional<RtcpAttribute> remote_rtcp;
};

struct Answer {
  SessionDescription sdp;
  NegotiatedMedia media;
};

// Answers an offer: accepts the first audio RTP/AVP stream that offers a codec
// we support (the offerer's first such codec wins, matched by static PT 0/8/9
// or rtpmap name), echoes the offer's telephone-event PT (unless
// local.telephone_event_pt is 0), mirrors the
// direction (sendonly -> recvonly ...), and declines every other m-line with
// port 0. An offer's a=rtcp-mux is accepted (unless local.rtcp_mux is false) and its a=rtcp
// read into NegotiatedMedia. With SRTP allowed by local.srtp, an RTP/SAVP stream is answered with
// the first offered a=crypto line whose suite is in local.srtp_suites (its tag
// echoed) and a fresh key of ours. Error kind "sdp" with a message starting
// "488" when nothing usable (the reason names the SRTP policy when that was
// it); kind "random" when no key could be generated.
Result<Answer> answer_offer(const SessionDescription& offer, const LocalMedia& local);

// Our offer: one RTP/AVP audio stream with local.codecs, telephone-event,
// ptime, and (local.rtcp_mux) a=rtcp-mux with a=rtcp for the fallback port. local.srtp is not
// consulted: see make_secure_offer.
SessionDescription make_offer(const LocalMedia& local);

// The same stream as RTP/SAVP with one a=crypto per local.srtp_suites (tags
// 1, 2, ...), each with its own fresh key. SDES without RFC 5939 capability
// negotiation cannot offer "SRTP if you can": an offer is either RTP/SAVP or
// RTP/AVP, so the caller picks. Fails only when no key can be generated.
Result<SessionDescription> make_secure_offer(const LocalMedia& local);

// Checks the peer's answer to `offer` and extracts what was agreed; for an
// RTP/SAVP offer, the answer must be RTP/SAVP echoing one of our a=crypto tags. RTCP is
// multiplexed only when both the offer and the answer carry a=rtcp-mux.
Result<NegotiatedMedia> accept_answer(const SessionDescription& offer,
                                      const SessionDescription& answer);

}  // namespace keyline::sdp
