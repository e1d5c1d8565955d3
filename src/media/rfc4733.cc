#include "media/rfc4733.h"

#include <algorithm>

#include "media/byte_order.h"

namespace keyline::media {
namespace {

constexpr char kKeys[] = "0123456789*#ABCD";
constexpr int kKeyCount = 16;

// A long event (over 0xFFFF units, about 8 s) is sent as segments, each with
// a new timestamp equal to the previous one plus its duration (RFC 4733
// §2.5.1.3). A segment boundary needs a nearly full previous segment, which
// a fresh press after a lost end packet never produces.
constexpr std::uint16_t kFullSegment = 0xFF00;
constexpr std::uint32_t kSegmentSlack = kDtmfPacketUnits;

}  // namespace

char event_to_digit(int event) {
  if (event < 0 || event >= kKeyCount) return 0;
  return kKeys[event];
}

int digit_to_event(char digit) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  for (int i = 0; i < kKeyCount; ++i)
    if (kKeys[i] == digit) return i;
  return -1;
}

Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> p) {
  if (p.size() < kTelephoneEventSize)
    return make_error("parse", "telephone-event: payload shorter than 4 bytes");
  TelephoneEvent e;
  e.event = p[0];
  e.end = (p[1] & 0x80) != 0;
  e.volume = p[1] & 0x3F;  // bit 6 is reserved: ignored on receipt
  e.duration = load_be16(p.subspan(2));
  return e;
}

std::array<std::uint8_t, kTelephoneEventSize> write_telephone_event(const TelephoneEvent& e) {
  std::array<std::uint8_t, kTelephoneEventSize> out{};
  out[0] = static_cast<std::uint8_t>(e.event);
  out[1] = static_cast<std::uint8_t>((e.end ? 0x80 : 0) | (e.volume & 0x3F));
  store_be16(std::span(out).subspan(2), e.duration);
  return out;
}

DtmfReceiver::Seen* DtmfReceiver::find(int event, std::uint32_t timestamp) {
  for (auto& s : recent_)
    if (s.event == event && s.timestamp == timestamp) return &s;
  return nullptr;
}

bool DtmfReceiver::continues_long_event(const TelephoneEvent& e, std::uint32_t timestamp) const {
  if (last_ >= kRemembered) return false;
  const Seen& last = recent_[last_];
  if (last.end || last.event != e.event || last.duration < kFullSegment) return false;
  const std::uint32_t expected = last.timestamp + last.duration;  // wraps like RTP
  const std::uint32_t diff = timestamp - expected;
  return diff <= kSegmentSlack || (0u - diff) <= kSegmentSlack;
}

std::optional<char> DtmfReceiver::on_packet(const RtpHeader& h,
                                            std::span<const std::uint8_t> payload) {
  auto parsed = parse_telephone_event(payload);
  if (!parsed) return std::nullopt;
  const TelephoneEvent& e = *parsed;
  const char digit = event_to_digit(e.event);
  if (digit == 0) return std::nullopt;  // flash, tones, etc.: not key presses

  if (Seen* s = find(e.event, h.timestamp)) {
    s->duration = std::max(s->duration, e.duration);
    s->end = s->end || e.end;
    return std::nullopt;  // update, retransmitted end, or the same press on a new SSRC
  }

  const bool continuation = continues_long_event(e, h.timestamp);
  recent_[next_] = Seen{e.event, h.timestamp, e.duration, e.end};
  last_ = next_;
  next_ = (next_ + 1) % kRemembered;
  if (continuation) return std::nullopt;
  return digit;
}

std::vector<DtmfPacket> build_dtmf_packets(char digit, int duration_ms, int volume) {
  const int event = digit_to_event(digit);
  if (event < 0) return {};
  duration_ms = std::clamp(duration_ms, 2 * kDtmfPacketMs, 8000);
  volume = std::clamp(volume, 0, 63);
  const int steps = (duration_ms + kDtmfPacketMs - 1) / kDtmfPacketMs;

  std::vector<DtmfPacket> out;
  out.reserve(static_cast<std::size_t>(steps - 1 + kDtmfEndRepeats));
  TelephoneEvent e{event, false, volume, 0};
  for (int i = 1; i < steps; ++i) {
    e.duration = static_cast<std::uint16_t>(i * kDtmfPacketUnits);
    out.push_back({write_telephone_event(e), out.empty()});
  }
  e.end = true;
  e.duration = static_cast<std::uint16_t>(steps * kDtmfPacketUnits);
  for (int i = 0; i < kDtmfEndRepeats; ++i) out.push_back({write_telephone_event(e), false});
  return out;
}

}  // namespace keyline::media
