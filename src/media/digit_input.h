// A call's digits as one stream, whatever the method that carried them:
// RFC 4733 telephone-events, in-band tones, and (with the SIP work) SIP INFO
// through inject(). The per-trunk mode picks which methods are listened to,
// and a press that arrives by two methods counts once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "media/inband_dtmf.h"
#include "media/rfc4733.h"
#include "media/rtp_packet.h"

namespace keyline::media {

// auto: RFC 4733 when the peer negotiated telephone-event, in-band tones
// otherwise (see DigitInput for the overlap), and SIP INFO; rfc4733 / inband /
// info: only that.
enum class DtmfMode { kAuto, kRfc4733, kInband, kInfo };
enum class DigitSource { kRfc4733, kInband, kSipInfo };

std::string_view dtmf_mode_name(DtmfMode mode);
std::optional<DtmfMode> parse_dtmf_mode(std::string_view text);
std::string_view digit_source_name(DigitSource source);

// Two reports of one press by different methods land within a few tens of
// milliseconds of each other (the tone detector needs ~25 ms of tone; a
// gateway converting tones to RFC 4733 needs about as long); two presses of
// one key need a tone and a pause of >= 40 ms each. 100 ms sits between.
constexpr Millis kDuplicateWindow{100};

// Drops a key already reported by another method within the window. The
// same method is trusted to report each press once itself (the RFC 4733
// receiver and the tone detector both do), so a quick double press by one
// method is two presses.
class DigitDeduplicator {
 public:
  explicit DigitDeduplicator(Millis window = kDuplicateWindow) : window_(window) {}
  // `span`: how long this report's press lasted, when the method says (SIP INFO's Duration=);
  // the same key by another method within it is the same press, even past the window.
  bool accept(char digit, DigitSource source, SteadyTime now, Millis span = Millis(0));

 private:
  struct Report {
    char digit = 0;
    DigitSource source = DigitSource::kRfc4733;
    SteadyTime at{};
    Millis span{0};
  };
  Millis window_;
  // A few recent reports, not one: with fast keying, the tone detector's
  // report of press N can come after the RFC 4733 report of press N+1.
  std::array<Report, 4> recent_{};
  std::size_t next_ = 0;
};

class DigitInput {
 public:
  // telephone_event: whether RFC 4733 was negotiated for the stream. Fails
  // only when the tone detector cannot be allocated.
  static Result<DigitInput> create(DtmfMode mode, bool telephone_event,
                                   Millis window = kDuplicateWindow);

  // In auto mode with telephone-event negotiated both methods are heard
  // until the first telephone-event arrives - some peers negotiate RFC 4733
  // and send tones anyway, or send both - and from then on only RFC 4733,
  // which ends the tone detector's cost and its (small) risk of talk-off.
  bool listens_rfc4733() const { return rfc4733_; }
  bool listens_inband() const { return detector_ != nullptr; }

  // Each returns the keys of new presses not already reported another way.
  std::optional<char> on_telephone_event(const RtpHeader& h, std::span<const std::uint8_t> payload,
                                         SteadyTime now);
  std::size_t on_audio(std::span<const std::int16_t> pcm8k, SteadyTime now, std::span<char> keys);
  void on_audio_gap(std::size_t samples);
  // SIP INFO digits count in auto and info modes only. `span`: see DigitDeduplicator.
  std::optional<char> inject(char digit, DigitSource source, SteadyTime now,
                             Millis span = Millis(0));

  std::uint64_t duplicates() const { return duplicates_; }

 private:
  DigitInput(DtmfMode mode, bool rfc4733, Millis window)
      : mode_(mode), rfc4733_(rfc4733), dedup_(window) {}
  std::optional<char> admit(char digit, DigitSource source, SteadyTime now,
                            Millis span = Millis(0));

  DtmfMode mode_;
  bool rfc4733_;
  DtmfReceiver receiver_;
  std::unique_ptr<InbandDtmfDetector> detector_;
  DigitDeduplicator dedup_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace keyline::media
