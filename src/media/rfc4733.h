// RFC 4733 telephone-event payloads: parsing, a receiver that turns the
// packet stream into key presses, and a sender that builds one key press.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "media/rtp_packet.h"

namespace keyline::media {

// 0-9 -> '0'..'9', 10 '*', 11 '#', 12-15 'A'..'D'; anything else 0.
char event_to_digit(int event);
// Inverse of event_to_digit (lower-case 'a'..'d' accepted); -1 if not a key.
int digit_to_event(char digit);

// One event block (RFC 4733 §2.3). volume is the power level as -dBm0 (0-63).
struct TelephoneEvent {
  int event = 0;
  bool end = false;
  int volume = 0;
  std::uint16_t duration = 0;  // in RTP timestamp units
};

constexpr std::size_t kTelephoneEventSize = 4;

// Reads the first event block; extra trailing bytes are ignored.
Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);
std::array<std::uint8_t, kTelephoneEventSize> write_telephone_event(const TelephoneEvent& e);

// Turns telephone-event packets into key presses, reporting each press once
// and as soon as its first surviving packet arrives (fast barge-in). A press
// is identified by (event, RTP timestamp) - RFC 4733 §2.5.1.3 keeps one
// timestamp for all packets of an event - and the identity is remembered
// across SSRCs, because an SBC or a re-INVITE may change the SSRC in the
// middle of a press while keeping the timestamp. The memory is a few recent
// presses, which covers retransmitted end packets and reordering but cannot
// confuse presses far apart in time.
class DtmfReceiver {
 public:
  // Feed every telephone-event packet; returns the digit for a new press.
  std::optional<char> on_packet(const RtpHeader& h, std::span<const std::uint8_t> payload);

 private:
  struct Seen {
    int event = -1;
    std::uint32_t timestamp = 0;
    std::uint16_t duration = 0;  // largest duration seen: detects long-event segments
    bool end = false;
  };
  bool continues_long_event(const TelephoneEvent& e, std::uint32_t timestamp) const;
  Seen* find(int event, std::uint32_t timestamp);

  static constexpr std::size_t kRemembered = 8;
  std::array<Seen, kRemembered> recent_{};
  std::size_t next_ = 0;  // ring position for the next new press
  // Index of the most recent press (kRemembered: none yet), for long-event
  // continuation. An index rather than a pointer keeps the class copyable.
  std::size_t last_ = kRemembered;
};

// One packet of a generated key press. All packets of a press share one RTP
// timestamp (the caller's, taken at the start of the press) and are sent
// 20 ms apart; only the sequence number advances.
struct DtmfPacket {
  std::array<std::uint8_t, kTelephoneEventSize> payload;
  bool marker;
  std::uint32_t timestamp_offset_unused = 0;  // always 0: see above
};

constexpr int kDtmfPacketMs = 20;
constexpr std::uint16_t kDtmfPacketUnits = 160;  // 20 ms at 8 kHz
constexpr int kDtmfEndRepeats = 3;

// RFC 4733 §2.5: updates with growing duration (marker on the first), then
// three end packets carrying the final duration. duration_ms is clamped to
// [40, 8000] and rounded up to whole 20 ms packets, volume to [0, 63]. An
// unknown digit yields no packets.
std::vector<DtmfPacket> build_dtmf_packets(char digit, int duration_ms = 100, int volume = 10);

}  // namespace keyline::media
