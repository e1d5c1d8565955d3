#include "media/rtcp_stats.h"

#include <algorithm>

namespace keyline::media {
namespace {

// A.1's constants: how many in-order packets make a new source valid, and
// how far a sequence number may jump ahead or back before it is a restart.
constexpr std::uint32_t kMinSequential = 2;
constexpr std::uint32_t kMaxDropout = 3000;
constexpr std::uint32_t kMaxMisorder = 100;
constexpr std::uint32_t kSeqMod = 1u << 16;

}  // namespace

SourceStats::SourceStats(std::uint32_t ssrc, std::uint16_t sequence) : ssrc_(ssrc) {
  init_sequence(sequence);
  max_seq_ = static_cast<std::uint16_t>(sequence - 1);
  probation_ = kMinSequential;
}

void SourceStats::init_sequence(std::uint16_t sequence) {
  base_seq_ = sequence;
  max_seq_ = sequence;
  bad_seq_ = kSeqMod + 1;  // so sequence == bad_seq_ is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

bool SourceStats::on_packet(std::uint16_t sequence) {
  std::uint16_t udelta = static_cast<std::uint16_t>(sequence - max_seq_);
  if (probation_) {
    // A new source counts only once packets arrive in sequence.
    if (sequence == static_cast<std::uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = sequence;
      if (probation_ == 0) {
        init_sequence(sequence);
        ++received_;
        return true;
      }
    } else {
      probation_ = kMinSequential - 1;
      max_seq_ = sequence;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    if (sequence < max_seq_) cycles_ += kSeqMod;  // wrapped: one more cycle
    max_seq_ = sequence;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A very large jump. Two in a row in sequence mean the sender restarted
    // its numbering: start over from there without probation.
    if (sequence == bad_seq_) {
      init_sequence(sequence);
    } else {
      bad_seq_ = (sequence + 1u) & (kSeqMod - 1);
      return false;
    }
  }
  // Otherwise a duplicate or a late packet: counted, the maximum unchanged.
  ++received_;
  return true;
}

void SourceStats::on_timing(std::uint32_t rtp_timestamp, std::uint32_t arrival) {
  std::uint32_t transit = arrival - rtp_timestamp;
  if (have_transit_) {
    // The difference of two transit times, modulo 2^32, as a magnitude.
    std::int32_t d = static_cast<std::int32_t>(transit - transit_);
    std::uint32_t magnitude =
        d < 0 ? 0u - static_cast<std::uint32_t>(d) : static_cast<std::uint32_t>(d);
    // J += (|D| - J) / 16, with J kept scaled by 16 (A.8).
    jitter_ += magnitude - ((jitter_ + 8) >> 4);
  }
  transit_ = transit;
  have_transit_ = true;
}

std::int64_t SourceStats::expected() const {
  if (!valid()) return 0;
  return static_cast<std::int64_t>(extended_max()) - base_seq_ + 1;
}

ReportBlock SourceStats::make_block() {
  ReportBlock b;
  b.ssrc = ssrc_;
  b.highest_sequence = extended_max();
  b.jitter = jitter();
  std::int64_t lost = cumulative_lost();
  b.cumulative_lost =
      static_cast<std::int32_t>(std::clamp<std::int64_t>(lost, -0x800000, 0x7fffff));
  std::int64_t expected_interval = expected() - expected_prior_;
  std::int64_t received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  expected_prior_ = expected();
  received_prior_ = received_;
  std::int64_t lost_interval = expected_interval - received_interval;
  // Duplicates can make the interval's loss negative: reported as none.
  if (expected_interval > 0 && lost_interval > 0)
    b.fraction_lost = static_cast<std::uint8_t>((lost_interval << 8) / expected_interval);
  return b;
}

}  // namespace keyline::media
