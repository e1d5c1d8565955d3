#include "media/vad.h"

#include <algorithm>
#include <cmath>

namespace keyline::media {
namespace {

constexpr int kFrameMs = 10;
// Digital silence has no level at all; clamp so the noise floor stays finite.
constexpr double kQuietestDbfs = -100.0;

int frames_for(int ms) { return std::max(1, (ms + kFrameMs - 1) / kFrameMs); }

}  // namespace

EnergyVad::EnergyVad(const VadConfig& config) : config_(config) {
  const int rate = config_.sample_rate == 16000 ? 16000 : 8000;
  config_.sample_rate = rate;
  frame_samples_ = static_cast<std::size_t>(rate / 1000 * kFrameMs);
  min_speech_frames_ = frames_for(config_.min_speech_ms);
  trailing_frames_ = frames_for(config_.trailing_silence_ms);
}

void EnergyVad::reset() {
  state_ = VadState::kWaiting;
  sum_squares_ = 0;
  in_frame_ = 0;
  consumed_ = 0;
  speech_run_ = 0;
  silence_run_ = 0;
  noise_floor_ = -90.0;
  have_floor_ = false;
  speech_start_ = 0;
  speech_end_ = 0;
}

void EnergyVad::next_utterance() {
  const double floor = noise_floor_;
  const bool have_floor = have_floor_;
  reset();
  noise_floor_ = floor;
  have_floor_ = have_floor;
}

VadState EnergyVad::process(std::span<const std::int16_t> pcm) {
  for (std::int16_t s : pcm) {
    if (state_ == VadState::kEnded) break;
    sum_squares_ += static_cast<double>(s) * s;
    if (++in_frame_ == frame_samples_) frame_done();
  }
  return state_;
}

void EnergyVad::frame_done() {
  double level = kQuietestDbfs;
  if (sum_squares_ > 0) {
    const double rms = std::sqrt(sum_squares_ / static_cast<double>(frame_samples_));
    level = std::max(kQuietestDbfs, 20.0 * std::log10(rms / 32768.0));
  }
  const std::size_t frame_start = consumed_;
  consumed_ += frame_samples_;
  sum_squares_ = 0;
  in_frame_ = 0;

  if (!have_floor_) {
    // The first frame sets the background: a turn starts after a prompt,
    // usually before the caller speaks. If they already are, the floor
    // falls to the first quieter frame (a gap between words) at once.
    noise_floor_ = level;
    have_floor_ = true;
  }
  const bool speech = level > config_.speech_dbfs && level > noise_floor_ + config_.noise_margin_db;
  if (!speech) {
    // The floor follows quieter background at once and louder background
    // slowly (about a second), so a speaker's own voice never raises it
    // much between words.
    noise_floor_ = level < noise_floor_ ? level : noise_floor_ + 0.01 * (level - noise_floor_);
  }

  if (state_ == VadState::kWaiting) {
    speech_run_ = speech ? speech_run_ + 1 : 0;
    if (speech_run_ >= min_speech_frames_) {
      state_ = VadState::kSpeech;
      speech_start_ = frame_start + frame_samples_ - speech_run_ * frame_samples_;
      silence_run_ = 0;
    }
    return;
  }
  // kSpeech
  silence_run_ = speech ? 0 : silence_run_ + 1;
  if (silence_run_ >= trailing_frames_) {
    state_ = VadState::kEnded;
    speech_end_ = consumed_ - static_cast<std::size_t>(silence_run_) * frame_samples_;
  }
}

}  // namespace keyline::media
