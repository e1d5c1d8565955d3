#include "media/answering_machine_detector.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace keyline::media {
namespace {

constexpr double kRate = 8000.0;
constexpr double kPi = 3.14159265358979323846;

// Tones are looked for in the telephone band, coarsely every 50 Hz (the main lobe of a 160-sample
// Goertzel filter is +/- 50 Hz wide), then refined around the strongest bin in 12.5 Hz steps so
// that a tone anywhere in the band keeps at least ~95 % of its measured energy.
constexpr double kScanLowHz = 300.0;
constexpr double kScanHighHz = 3400.0;
constexpr double kScanStepHz = 50.0;
constexpr int kScanBins = static_cast<int>((kScanHighHz - kScanLowHz) / kScanStepHz) + 1;
// Blocks of one tone may differ by this much in measured frequency (the estimate is good to
// about +/- 6 Hz; real beeps and fax tones are steadier than that).
constexpr double kSameToneHz = 30.0;

// The fax tones, with the standard's tolerance plus the estimate's.
constexpr double kCngHz = 1100.0;
constexpr double kCngToleranceHz = 38.0 + 12.0;
constexpr double kCedHz = 2100.0;
constexpr double kCedToleranceHz = 15.0 + 15.0;

// Goertzel power of `block` at `hz`: |X(f)|^2 of the block's DFT evaluated at f.
double goertzel(const std::int16_t* block, std::size_t n, double hz) {
  const double coeff = 2.0 * std::cos(2.0 * kPi * hz / kRate);
  double s1 = 0, s2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double s = block[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

bool near(double hz, double centre, double tolerance) { return std::abs(hz - centre) <= tolerance; }

VadConfig vad_config(const AmdSettings& s) {
  VadConfig c;
  c.sample_rate = 8000;
  c.speech_dbfs = s.speech_dbfs;
  c.noise_margin_db = s.noise_margin_db;
  c.min_speech_ms = std::max(10, s.min_word_ms);
  c.trailing_silence_ms = std::max(10, s.word_gap_ms);
  return c;
}

}  // namespace

std::string_view callee_type_name(CalleeType type) {
  switch (type) {
    case CalleeType::kProcessing:
      return "processing";
    case CalleeType::kVoice:
      return "voice";
    case CalleeType::kAnsweringMachine:
      return "answeringmachine";
    case CalleeType::kFax:
      return "fax";
    case CalleeType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

AnsweringMachineDetector::AnsweringMachineDetector(AmdSettings settings)
    : settings_(settings), vad_(vad_config(settings)) {}

std::optional<CalleeType> AnsweringMachineDetector::feed(std::span<const std::int16_t> samples) {
  const CalleeType before = result_;
  for (std::int16_t s : samples) {
    block_[filled_++] = s;
    if (filled_ == kBlockSamples) {
      process_block();
      filled_ = 0;
    }
  }
  if (before == CalleeType::kProcessing && result_ != CalleeType::kProcessing) return result_;
  return std::nullopt;
}

void AnsweringMachineDetector::process_block() {
  ++blocks_;
  if (ready_) return;  // nothing left to find out: the rest costs nothing
  double energy = 0;
  for (std::int16_t s : block_) energy += static_cast<double>(s) * s;
  double freq = 0, purity = 0;
  analyse_tone(energy, freq, purity);
  const bool tonal = purity >= settings_.tone_purity;
  track_tone(tonal, freq);
  if (ready_) return;
  if (result_ == CalleeType::kFax || result_ == CalleeType::kVoice ||
      result_ == CalleeType::kUnknown) {
    return;  // only a machine's greeting is followed further (to its beep)
  }

  // A steady tone is not speech: the VAD hears silence in its place, so a beep neither makes a
  // greeting longer nor counts as a word. Its first block still passes (the run is not known
  // to be a tone yet), which is shorter than any word.
  static constexpr std::int16_t kSilence[kBlockSamples] = {};
  vad_.process(tone_blocks_ >= 2 ? std::span<const std::int16_t>(kSilence)
                                 : std::span<const std::int16_t>(block_));
  track_voice();
  if (result_ == CalleeType::kAnsweringMachine) after_decision();
}

void AnsweringMachineDetector::analyse_tone(double energy, double& freq, double& purity) const {
  freq = 0;
  purity = 0;
  const double mean_square = energy / static_cast<double>(kBlockSamples);
  if (mean_square <= 0) return;
  const double dbfs = 10.0 * std::log10(mean_square / (32768.0 * 32768.0));
  if (dbfs < settings_.tone_min_dbfs) return;

  double best = -1, best_hz = 0;
  for (int i = 0; i < kScanBins; ++i) {
    const double hz = kScanLowHz + i * kScanStepHz;
    const double p = goertzel(block_, kBlockSamples, hz);
    if (p > best) {
      best = p;
      best_hz = hz;
    }
  }
  const double centre = best_hz;
  for (double offset : {-25.0, -12.5, 12.5, 25.0}) {
    const double hz = centre + offset;
    const double p = goertzel(block_, kBlockSamples, hz);
    if (p > best) {
      best = p;
      best_hz = hz;
    }
  }
  // A sine of amplitude A over N samples has energy N*A^2/2 and |X(f)|^2 = (N*A/2)^2, so this
  // ratio is 1 for a pure tone and falls with every other component (speech harmonics, noise).
  freq = best_hz;
  purity = 2.0 * best / (static_cast<double>(kBlockSamples) * energy);
}

void AnsweringMachineDetector::track_tone(bool tonal, double freq) {
  if (tonal && tone_blocks_ > 0 && std::abs(freq - tone_freq_) <= kSameToneHz) {
    ++tone_blocks_;
    tone_freq_ += (freq - tone_freq_) / tone_blocks_;
  } else {
    if (tone_blocks_ > 0) tone_ended();
    tone_blocks_ = tonal ? 1 : 0;
    tone_freq_ = tonal ? freq : 0;
  }
  if (result_ != CalleeType::kProcessing || tone_blocks_ == 0) return;

  // Rules that decide while the tone still sounds.
  const int run_ms = ms(tone_blocks_);
  const bool spoke = words_ > 0 || vad_.state() == VadState::kSpeech;
  const bool cng = near(tone_freq_, kCngHz, kCngToleranceHz);
  const bool ced = near(tone_freq_, kCedHz, kCedToleranceHz);
  if (ced && !spoke && run_ms >= settings_.ced_min_ms) {
    decide(CalleeType::kFax, "ced");
    return;
  }
  // A fax tone's frequency is only a beep after speech, or when it lasts longer than any CNG
  // burst; every other steady tone is a beep at once.
  const bool fax_like = (cng || ced) && !spoke;
  if ((!fax_like && run_ms >= settings_.beep_min_ms) ||
      (cng && !spoke && run_ms > settings_.cng_max_ms)) {
    decide(CalleeType::kAnsweringMachine, "beep");
  }
}

void AnsweringMachineDetector::tone_ended() {
  const int run_ms = ms(tone_blocks_);
  if (result_ == CalleeType::kProcessing) {
    const bool spoke = words_ > 0 || vad_.state() == VadState::kSpeech;
    if (!spoke && near(tone_freq_, kCngHz, kCngToleranceHz) && run_ms >= settings_.cng_min_ms &&
        run_ms <= settings_.cng_max_ms) {
      decide(CalleeType::kFax, "cng");
    }
    return;
  }
  if (result_ == CalleeType::kAnsweringMachine && run_ms >= settings_.beep_min_ms) {
    // The beep is over (this block is the first without it): leave the message now.
    beep_heard_ = true;
    beep_hz_ = tone_freq_;
    ready_ = true;
    ready_at_ms_ = audio_ms();
  }
}

void AnsweringMachineDetector::track_voice() {
  const std::int64_t now = audio_ms();
  if (vad_.state() == VadState::kEnded) {
    // A word ended (the VAD needed word_gap_ms of silence to be sure): count it, and start the
    // VAD on the next one (keeping the background level it has learnt).
    const auto start = vad_origin_ms_ + static_cast<std::int64_t>(vad_.speech_start_sample() / 8);
    const auto end = vad_origin_ms_ + static_cast<std::int64_t>(vad_.speech_end_sample() / 8);
    ++words_;
    voiced_ms_ += end - start;
    last_word_end_ms_ = end;
    vad_.next_utterance();
    vad_origin_ms_ = now;
  }
  if (result_ != CalleeType::kProcessing) return;

  const bool in_word = vad_.state() == VadState::kSpeech;
  const std::int64_t word_start =
      vad_origin_ms_ + static_cast<std::int64_t>(vad_.speech_start_sample() / 8);
  const std::int64_t voiced = voiced_ms_ + (in_word ? now - word_start : 0);
  const bool tone = tone_blocks_ > 0;  // a tone's own rules decide until it ends
  if (voiced > settings_.greeting_max_ms) {
    decide(CalleeType::kAnsweringMachine, "long_greeting");
  } else if (words_ > settings_.max_words) {
    decide(CalleeType::kAnsweringMachine, "too_many_words");
  } else if (!in_word && !tone && words_ > 0 &&
             now - last_word_end_ms_ >= settings_.after_greeting_silence_ms) {
    decide(CalleeType::kVoice, "short_greeting");
  } else if (!in_word && !tone && words_ == 0 && now >= settings_.initial_silence_ms) {
    decide(CalleeType::kUnknown, "initial_silence");
  } else if (now >= settings_.decision_ms) {
    decide(CalleeType::kUnknown, "timeout");
  }
}

void AnsweringMachineDetector::after_decision() {
  if (ready_) return;
  const std::int64_t now = audio_ms();
  const bool quiet = vad_.state() != VadState::kSpeech && tone_blocks_ == 0;
  // No beep: the greeting is over once the line has been quiet long enough after its last
  // word (or after the decision, when no word was heard). Some machines never beep, and
  // others' greetings run on; the timeout bounds what the caller waits.
  const std::int64_t quiet_since = std::max(last_word_end_ms_, decision_at_ms_);
  if ((quiet && now - quiet_since >= settings_.no_beep_silence_ms) ||
      now - decision_at_ms_ >= settings_.beep_timeout_ms) {
    ready_ = true;
    ready_at_ms_ = now;
  }
}

void AnsweringMachineDetector::decide(CalleeType type, std::string_view reason) {
  result_ = type;
  reason_ = reason;
  decision_at_ms_ = audio_ms();
}

}  // namespace keyline::media
