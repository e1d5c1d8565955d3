#include "media/digit_input.h"

#include <algorithm>

namespace keyline::media {

std::string_view dtmf_mode_name(DtmfMode mode) {
  switch (mode) {
    case DtmfMode::kRfc4733:
      return "rfc4733";
    case DtmfMode::kInband:
      return "inband";
    case DtmfMode::kInfo:
      return "info";
    default:
      return "auto";
  }
}

std::optional<DtmfMode> parse_dtmf_mode(std::string_view text) {
  for (DtmfMode m : {DtmfMode::kAuto, DtmfMode::kRfc4733, DtmfMode::kInband, DtmfMode::kInfo})
    if (text == dtmf_mode_name(m)) return m;
  return std::nullopt;
}

std::string_view digit_source_name(DigitSource source) {
  switch (source) {
    case DigitSource::kInband:
      return "inband";
    case DigitSource::kSipInfo:
      return "info";
    default:
      return "rfc4733";
  }
}

bool DigitDeduplicator::accept(char digit, DigitSource source, SteadyTime now, Millis span) {
  for (const Report& r : recent_) {
    const Millis window = std::max({window_, r.span, span});
    if (r.digit == digit && r.source != source && now - r.at <= window && now >= r.at) return false;
  }
  recent_[next_] = Report{digit, source, now, span};
  next_ = (next_ + 1) % recent_.size();
  return true;
}

Result<DigitInput> DigitInput::create(DtmfMode mode, bool telephone_event, Millis window) {
  DigitInput input(mode, telephone_event && (mode == DtmfMode::kAuto || mode == DtmfMode::kRfc4733),
                   window);
  if (mode == DtmfMode::kAuto || mode == DtmfMode::kInband) {
    auto detector = InbandDtmfDetector::create();
    if (!detector) return detector.error();
    input.detector_ = std::move(*detector);
  }
  return input;
}

std::optional<char> DigitInput::admit(char digit, DigitSource source, SteadyTime now, Millis span) {
  if (dedup_.accept(digit, source, now, span)) return digit;
  ++duplicates_;
  return std::nullopt;
}

std::optional<char> DigitInput::on_telephone_event(const RtpHeader& h,
                                                   std::span<const std::uint8_t> payload,
                                                   SteadyTime now) {
  if (!rfc4733_) return std::nullopt;
  // The peer has shown it sends RFC 4733: stop listening for tones (auto).
  if (mode_ == DtmfMode::kAuto) detector_.reset();
  auto digit = receiver_.on_packet(h, payload);
  if (!digit) return std::nullopt;
  return admit(*digit, DigitSource::kRfc4733, now);
}

std::size_t DigitInput::on_audio(std::span<const std::int16_t> pcm8k, SteadyTime now,
                                 std::span<char> keys) {
  if (!detector_) return 0;
  std::size_t found = detector_->feed(pcm8k, keys);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < found; ++i)
    if (auto d = admit(keys[i], DigitSource::kInband, now)) keys[kept++] = *d;
  return kept;
}

void DigitInput::on_audio_gap(std::size_t samples) {
  if (detector_) detector_->fill_in(samples);
}

std::optional<char> DigitInput::inject(char digit, DigitSource source, SteadyTime now,
                                       Millis span) {
  if (digit_to_event(digit) < 0) return std::nullopt;
  if (source == DigitSource::kSipInfo && mode_ != DtmfMode::kAuto && mode_ != DtmfMode::kInfo)
    return std::nullopt;
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  return admit(digit, source, now, span);
}

}  // namespace keyline::media
