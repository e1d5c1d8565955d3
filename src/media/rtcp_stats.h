// What a receiver knows about one RTP source, kept as RFC 3550 appendix A
// describes: sequence validation and 32-bit extension (A.1), expected and
// lost packets with the fraction lost between reports (A.3), and the
// interarrival jitter estimate (A.8). Pure: the caller passes arrival times
// in RTP timestamp units, so tests need no clock.
#pragma once

#include <cstdint>

#include "media/rtcp.h"

namespace keyline::media {

class SourceStats {
 public:
  // A new source, first heard with `sequence`; pass that first packet to
  // on_packet() too (A.1: it starts the probation).
  explicit SourceStats(std::uint32_t ssrc, std::uint16_t sequence);

  // A packet from this source. Returns false when A.1's validation rejects
  // it (still on probation after a jump, or a stray far from the stream),
  // in which case it counts for nothing.
  bool on_packet(std::uint16_t sequence);
  // Feeds the jitter estimate: `arrival` in the same units (and any origin)
  // as the packet's RTP timestamp. Call only for packets of one clock and
  // spacing (audio, not telephone-event, whose packets repeat a timestamp).
  void on_timing(std::uint32_t rtp_timestamp, std::uint32_t arrival);

  std::uint32_t ssrc() const { return ssrc_; }
  std::uint32_t extended_max() const { return cycles_ + max_seq_; }
  std::uint64_t received() const { return received_; }
  std::int64_t expected() const;
  // Expected minus received: negative when duplicates arrived.
  std::int64_t cumulative_lost() const { return expected() - static_cast<std::int64_t>(received_); }
  // Interarrival jitter in timestamp units.
  std::uint32_t jitter() const { return jitter_ >> 4; }
  bool valid() const { return probation_ == 0; }

  // A report block for this source. Advances the "since the last report"
  // counters behind fraction_lost; the LSR/DLSR fields are the caller's.
  ReportBlock make_block();

 private:
  void init_sequence(std::uint16_t sequence);

  std::uint32_t ssrc_;
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;  // shifted count of sequence number cycles
  std::uint32_t base_seq_ = 0;
  std::uint32_t bad_seq_ = 0;
  std::uint32_t probation_ = 0;
  std::uint64_t received_ = 0;
  std::int64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  bool have_transit_ = false;
  std::uint32_t transit_ = 0;
  std::uint32_t jitter_ = 0;  // scaled by 16, as A.8's integer version keeps it
};

}  // namespace keyline::media
