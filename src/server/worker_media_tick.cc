// The worker's media tick. One periodic 20 ms timer drives every call's
// outgoing frame; here it also measures its own pacing, because "packets sent
// more than 5 ms late" is the media engine's figure of merit under load.
#include "server/worker.h"

namespace keyline::server {

namespace {
constexpr auto kTickPeriod = std::chrono::milliseconds(20);
constexpr auto kLateAfter = std::chrono::milliseconds(5);
}  // namespace

void Worker::tick_media() {
  const SteadyTime due = loop_->running_timer_due();
  // The loop re-bases a periodic timer that fell more than a period behind
  // instead of bursting; every call missed one frame per skipped tick.
  if (last_media_tick_due_ != SteadyTime{} && due - last_media_tick_due_ > kTickPeriod) {
    const auto skipped = (due - last_media_tick_due_) / kTickPeriod - 1;
    if (skipped > 0) metrics_.media_ticks_skipped += static_cast<std::uint64_t>(skipped);
  }
  last_media_tick_due_ = due;
  std::uint64_t late = 0;
  for (auto& [handle, call] : calls_) {
    // Each call's frame goes out when its turn comes, so lateness is per call:
    // the last of 2,000 calls waits for the 1,999 before it.
    if (loop_->now() - due > kLateAfter) ++late;
    call->tick();
  }
  metrics_.media_call_ticks += calls_.size();
  if (late) metrics_.media_call_ticks_late += late;
}

void Worker::count_media(const media::MediaStats& stats) {
  metrics_.rtp_packets_sent += stats.packets_sent;
  metrics_.rtp_packets_received += stats.packets_received;
  metrics_.rtp_packets_lost += stats.rtcp.packets_lost;
}

}  // namespace keyline::server
