#include "media/call_recorder.h"

#include <algorithm>

namespace keyline::media {
namespace {

constexpr int kSampleRate = 8000;
// Frames blanked after the detector stops hearing a tone: it reports the end
// one block (~13 ms) late at most, so one more frame covers the tail.
constexpr int kToneHangFrames = 1;

std::int16_t saturate(int v) { return static_cast<std::int16_t>(std::clamp(v, -32768, 32767)); }

}  // namespace

std::string_view record_layout_name(RecordLayout layout) {
  switch (layout) {
    case RecordLayout::kCallerMono:
      return "caller";
    case RecordLayout::kStereo:
      return "stereo";
    case RecordLayout::kMixed:
      return "mixed";
  }
  return "caller";
}

std::optional<RecordLayout> parse_record_layout(std::string_view text) {
  if (text == "caller") return RecordLayout::kCallerMono;
  if (text == "stereo") return RecordLayout::kStereo;
  if (text == "mixed") return RecordLayout::kMixed;
  return std::nullopt;
}

Result<std::unique_ptr<CallRecorder>> CallRecorder::create(const std::string& path,
                                                           const RecorderOptions& options) {
  std::unique_ptr<InbandDtmfDetector> detector;
  if (options.mask_dtmf) {
    auto made = InbandDtmfDetector::create();
    if (!made) return made.error();
    detector = std::move(*made);
  }
  const int channels = options.layout == RecordLayout::kStereo ? 2 : 1;
  auto writer = WavFileWriter::create(path, channels, kSampleRate);
  if (!writer) return writer.error();
  return std::unique_ptr<CallRecorder>(
      new CallRecorder(std::move(*writer), options, std::move(detector)));
}

CallRecorder::CallRecorder(WavFileWriter writer, const RecorderOptions& options,
                           std::unique_ptr<InbandDtmfDetector> detector)
    : writer_(std::move(writer)), options_(options), detector_(std::move(detector)) {
  if (options_.vad) vad_.emplace(*options_.vad);
}

CallRecorder::~CallRecorder() {
  if (!stopped_ && !failed_) (void)stop();
}

void CallRecorder::on_caller_audio(std::span<const std::int16_t> pcm) {
  if (stopped_) return;
  if (pcm.size() >= kPendingMax) pcm = pcm.last(kPendingMax);
  // More than the bound waiting (a burst after a stall): the oldest goes, so
  // the caller's side never lags the timeline by more than the bound.
  if (pending_count_ + pcm.size() > kPendingMax) {
    const std::size_t drop = pending_count_ + pcm.size() - kPendingMax;
    std::copy(pending_.begin() + static_cast<std::ptrdiff_t>(drop),
              pending_.begin() + static_cast<std::ptrdiff_t>(pending_count_), pending_.begin());
    pending_count_ -= drop;
  }
  std::copy(pcm.begin(), pcm.end(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_count_));
  pending_count_ += pcm.size();
}

CallRecorder::Slot& CallRecorder::slot(std::size_t age) {
  const std::size_t n = ring_.size();
  return ring_[(ring_next_ + n - 1 - age) % n];
}

void CallRecorder::on_tick(std::span<const std::int16_t> sent) {
  if (stopped_ || failed_) return;
  if (ring_count_ == ring_.size()) write_oldest();
  Slot& s = ring_[ring_next_];
  ring_next_ = (ring_next_ + 1) % ring_.size();
  ++ring_count_;
  ++ticks_;

  // The caller's 20 ms: what arrived, padded with silence when a packet is
  // late or lost (the timeline does not wait for it).
  const std::size_t take = std::min(pending_count_, kFrameSamples);
  std::copy_n(pending_.begin(), take, s.caller.begin());
  std::fill(s.caller.begin() + static_cast<std::ptrdiff_t>(take), s.caller.end(), 0);
  std::copy(pending_.begin() + static_cast<std::ptrdiff_t>(take),
            pending_.begin() + static_cast<std::ptrdiff_t>(pending_count_), pending_.begin());
  pending_count_ -= take;

  if (sent.size() == kFrameSamples) {
    std::copy(sent.begin(), sent.end(), s.sent.begin());
  } else {
    s.sent.fill(0);
  }
  s.paused = paused_;
  s.masked = false;

  if (detector_) {
    char keys[4];
    (void)detector_->feed(s.caller, keys);  // the keys themselves are DigitInput's business
    const char status = detector_->tone_status();
    if (status != 0 && status != 'x') {
      // A tone (or the start of one): blank it, and the frames before it
      // that the detector needed to be sure.
      const std::size_t back = std::min(kLookbackFrames + 1, ring_count_);
      for (std::size_t age = 0; age < back; ++age) slot(age).masked = true;
      tone_hang_ = kToneHangFrames;
    } else if (tone_hang_ > 0) {
      s.masked = true;
      --tone_hang_;
    }
  }
  if (s.masked) s.caller.fill(0);
  if (vad_) vad_->process(s.caller);
}

void CallRecorder::write_oldest() {
  const std::size_t n = ring_.size();
  const Slot& s = ring_[(ring_next_ + n - ring_count_) % n];
  --ring_count_;
  write(s);
}

void CallRecorder::write(const Slot& s) {
  if (failed_) return;
  if (s.paused) ++paused_frames_;
  if (s.masked) ++masked_frames_;
  std::span<std::int16_t> out;
  if (s.paused) {
    const std::size_t len =
        options_.layout == RecordLayout::kStereo ? 2 * kFrameSamples : kFrameSamples;
    std::fill_n(out_.begin(), len, 0);
    out = std::span<std::int16_t>(out_.data(), len);
  } else {
    // Masked frames were zeroed on the caller's side when they were marked.
    switch (options_.layout) {
      case RecordLayout::kCallerMono:
        std::copy(s.caller.begin(), s.caller.end(), out_.begin());
        out = std::span<std::int16_t>(out_.data(), kFrameSamples);
        break;
      case RecordLayout::kStereo:
        for (std::size_t i = 0; i < kFrameSamples; ++i) {
          out_[2 * i] = s.masked ? 0 : s.caller[i];
          out_[2 * i + 1] = s.sent[i];
        }
        out = std::span<std::int16_t>(out_.data(), 2 * kFrameSamples);
        break;
      case RecordLayout::kMixed:
        for (std::size_t i = 0; i < kFrameSamples; ++i)
          out_[i] = saturate((s.masked ? 0 : s.caller[i]) + s.sent[i]);
        out = std::span<std::int16_t>(out_.data(), kFrameSamples);
        break;
    }
    if (options_.layout == RecordLayout::kCallerMono && s.masked)
      std::fill_n(out_.begin(), kFrameSamples, 0);
  }
  if (!writer_.append(out)) failed_ = true;  // the writer has removed the file
}

Result<RecordingInfo> CallRecorder::stop() {
  if (result_) return *result_;
  stopped_ = true;
  while (ring_count_ > 0 && !failed_) write_oldest();
  if (failed_) {
    result_ = make_error("io", "recording could not be written");
    return *result_;
  }
  RecordingInfo info;
  info.path = writer_.path();
  info.frames = writer_.frames() / kFrameSamples;
  info.seconds = static_cast<double>(writer_.frames()) / kSampleRate;
  info.paused_frames = paused_frames_;
  info.masked_frames = masked_frames_;
  if (auto finished = writer_.finish(); !finished) {
    failed_ = true;
    result_ = finished.error();
    return *result_;
  }
  result_ = std::move(info);
  return *result_;
}

void CallRecorder::discard() {
  stopped_ = true;
  writer_.discard();
  result_ = make_error("io", "recording discarded");
}

}  // namespace keyline::media
