// One attempt of a queued outbound call while it rings: the INVITE with our SDP offer (the same
// user agent and media setup as a bridged transfer's leg), a ring timeout that CANCELs, and on
// answer the negotiated stream the call's app will run on. It reports once: answered (with its
// media) or ended unanswered with the SIP status. Destroying it before the
// answer hangs up (CANCEL) without a report.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/ids.h"
#include "base/log.h"
#include "io/event_loop.h"
#include "media/media_session.h"
#include "outbound/attempts.h"
#include "sdp/session.h"
#include "server/leg_router.h"
#include "server/transfer_target.h"
#include "sip/user_agent.h"

namespace keyline::server {

class OutboundLeg final : public LegEvents {
 public:
  struct Context {
    io::EventLoop& loop;
    sip::UserAgent& ua;
    LegRouter& router;
    Logger& logger;
    IdGenerator& ids;
    media::MediaConfig media;
    std::chrono::seconds ring_timeout{45};
    std::string call_id;  // the outbound call's id, for log lines
  };
  struct Answered {
    sip::CallHandle handle = 0;
    std::string sip_call_id;
    std::unique_ptr<media::MediaSession> media;
    media::StreamParams stream;
  };
  // Exactly one of the two runs, once: `answered` inside the UA's callback (the owner takes the
  // call over at once and must not destroy the leg there), `failed` posted to the loop.
  using OnAnswered = std::function<void(Answered)>;
  using OnFailed = std::function<void(outbound::AttemptOutcome, int status)>;

  static Result<std::unique_ptr<OutboundLeg>> start(Context ctx, const TransferDestination& to,
                                                    const std::string& from_uri,
                                                    OnAnswered answered, OnFailed failed);
  ~OutboundLeg() override;

  // LegEvents
  void on_leg_provisional(const sip::Message& response) override;
  void on_leg_answered(const sip::Message& response) override;
  void on_leg_ended(sip::EndReason reason, int status) override;

 private:
  OutboundLeg(Context ctx, OnAnswered answered, OnFailed failed);
  void fail(outbound::AttemptOutcome outcome, int status);

  Context ctx_;
  OnAnswered answered_;
  OnFailed failed_;
  std::unique_ptr<media::MediaSession> media_;
  sdp::SessionDescription offer_;
  sip::CallHandle handle_ = 0;
  bool reported_ = false;
  bool timed_out_ = false;
  io::TimerId timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// A SIP final status (or how the INVITE ended) as an attempt's outcome: busy (486, 600), no
// answer (408, 480, 487, our CANCEL, no response at all), else an error.
outbound::AttemptOutcome unanswered_outcome(sip::EndReason reason, int status, bool timed_out);

}  // namespace keyline::server
