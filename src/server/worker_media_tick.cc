// The worker's media tick. One periodic timer drives every call's outgoing
// frame; here it also measures its own pacing, because "packets sent more than
// 5 ms late" is the media engine's figure of merit under load.
//
// Each call sends every 20 ms, but not all at the same instant: a call's handle
// puts it in one of ten phases, 2 ms apart, and the timer fires every 2 ms for
// the next phase. A worker with 1,000 calls then sends 100 frames at a time
// instead of 1,000: the last frame of a tick leaves a tenth as late, and a
// thread that wants the core meanwhile waits a tenth as long.
#include "server/worker.h"

namespace keyline::server {

namespace {
constexpr auto kTickPeriod = std::chrono::milliseconds(20);
constexpr std::uint64_t kPhases = 10;
constexpr auto kLateAfter = std::chrono::milliseconds(5);
// With the loop's datagram batch, a call's frame is queued, not sent: the tick hands the
// queue to the kernel every this many calls and counts a frame late by when it left.
constexpr std::size_t kCallsPerSubmit = 64;
}  // namespace

Millis Worker::media_phase_period() { return kTickPeriod / kPhases; }

void Worker::tick_media() {
  const SteadyTime now = loop_->now();
  if (next_phase_due_ == SteadyTime{}) next_phase_due_ = loop_->running_timer_due();
  // Fell a whole period or more behind: those periods are skipped, not sent in a burst
  // (every call misses one frame per period skipped).
  if (now - next_phase_due_ >= kTickPeriod) {
    const auto behind = (now - next_phase_due_) / kTickPeriod;
    metrics_.media_ticks_skipped += static_cast<std::uint64_t>(behind);
    next_phase_due_ += behind * kTickPeriod;
  }
  // Phases the loop was late for run now, in order, each measured against its own due time.
  while (next_phase_due_ <= now) {
    tick_media_phase(next_phase_, next_phase_due_);
    next_phase_ = (next_phase_ + 1) % kPhases;
    next_phase_due_ += media_phase_period();
  }
}

void Worker::tick_media_phase(std::uint64_t phase, SteadyTime due) {
  if (media_phases_stale_) {
    media_phases_.assign(kPhases, {});
    for (auto& [handle, call] : calls_) media_phases_[handle % kPhases].push_back(call.get());
    media_phases_stale_ = false;
  }
  std::uint64_t ticked = 0;
  std::uint64_t late = 0;
  std::size_t queued = 0;
  auto submit = [&] {
    loop_->submit_datagrams();
    if (loop_->now() - due > kLateAfter) late += queued;
    queued = 0;
  };
  // A call's tick only sends and posts: no call comes or goes while this loop runs.
  for (CallSession* call : media_phases_[phase]) {
    // Each call's frame goes out when its turn comes, so lateness is per call:
    // the last call of a phase waits for those before it.
    call->tick();
    ++ticked;
    if (++queued == kCallsPerSubmit) submit();
  }
  if (queued) submit();
  metrics_.media_call_ticks += ticked;
  if (late) metrics_.media_call_ticks_late += late;
}

void Worker::count_media(const media::MediaStats& stats) {
  metrics_.rtp_packets_sent += stats.packets_sent;
  metrics_.rtp_packets_received += stats.packets_received;
  metrics_.rtp_packets_lost += stats.rtcp.packets_lost;
}

}  // namespace keyline::server
