// A bridged transfer's second leg: an outbound INVITE from the server's user agent with our
// SDP offer, and once answered a media session whose received audio is relayed to the
// caller's session (and the caller's to it), the post-connect keys sent as RFC 4733 events,
// and the talk time limited. It reports how it ended once, through `done`, posted to the
// loop; destroying it hangs the leg up without a report.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "base/ids.h"
#include "base/log.h"
#include "flow/transfer_request.h"
#include "io/event_loop.h"
#include "media/media_session.h"
#include "sdp/session.h"
#include "server/leg_router.h"
#include "server/transfer_target.h"
#include "sip/user_agent.h"

namespace keyline::server {

class TransferLeg final : public LegEvents {
 public:
  struct Context {
    io::EventLoop& loop;
    sip::UserAgent& ua;
    LegRouter& router;
    Logger& logger;
    IdGenerator& ids;
    media::MediaConfig media;  // where the leg's RTP port comes from
    std::string call_id;       // the caller's call, for log lines
  };
  using Done = std::function<void(flow::TransferResult)>;

  // Sends the INVITE. `caller` is the caller's media session: it outlives the leg.
  static Result<std::unique_ptr<TransferLeg>> start(Context ctx, const TransferDestination& to,
                                                    const flow::TransferRequest& request,
                                                    const std::string& from_uri,
                                                    media::MediaSession& caller, Done done);
  ~TransferLeg() override;

  // The caller's audio (decoded, 8 kHz) and keys, passed on once the far end answered.
  void relay_from_caller(std::span<const std::int16_t> pcm);
  void relay_digit(char digit);
  void tick();
  bool answered() const { return answered_; }

  // LegEvents
  void on_leg_provisional(const sip::Message& response) override;
  void on_leg_answered(const sip::Message& response) override;
  void on_leg_ended(sip::EndReason reason, int status) override;

 private:
  TransferLeg(Context ctx, const flow::TransferRequest& request, media::MediaSession& caller,
              Done done);
  void report(flow::TransferResult result);
  double talk_seconds() const;

  Context ctx_;
  flow::TransferRequest request_;
  media::MediaSession& caller_;
  Done done_;
  std::unique_ptr<media::MediaSession> media_;
  sdp::SessionDescription offer_;
  sip::CallHandle handle_ = 0;
  bool answered_ = false;
  bool reported_ = false;
  bool timed_out_ = false;  // we cancelled: no answer in time
  bool maxed_ = false;      // we hung up: max_duration reached
  io::TimerId timer_ = 0;   // no-answer, then talk-time limit
  std::chrono::steady_clock::time_point answered_at_{};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::server
