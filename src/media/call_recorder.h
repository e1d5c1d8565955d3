// One recording of a call, written as the call goes: the caller alone (the
// Record module) or both directions (whole-call recording, stereo with the
// caller left and Keyline right, or mixed to mono). The media tick drives
// it, so the file's timeline is the call's: one 20 ms frame per tick.
//
// Pause is exact to the frame: every frame recorded while paused is written
// as digital silence of the same length, never left out, so what follows
// stays at its true time. In-band DTMF is kept out: while the tone detector
// hears a key (and a little before it confirms one, thanks to a short delay
// line), the caller's side is written as silence.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "media/frames.h"
#include "media/inband_dtmf.h"
#include "media/vad.h"
#include "media/wav_writer.h"

namespace keyline::media {

enum class RecordLayout {
  kCallerMono,  // the caller only (Record module)
  kStereo,      // caller left, Keyline right
  kMixed,       // both, summed into one channel
};
std::string_view record_layout_name(RecordLayout layout);
std::optional<RecordLayout> parse_record_layout(std::string_view text);

struct RecorderOptions {
  RecordLayout layout = RecordLayout::kCallerMono;
  // Blank in-band DTMF tones on the caller's side (on by default: a tone
  // recorded is a key anyone can decode from the file).
  bool mask_dtmf = true;
  // Set for the Record module: speech and final silence are tracked on the
  // caller's audio (after tone masking, so a key is not speech).
  std::optional<VadConfig> vad;
};

struct RecordingInfo {
  std::string path;
  std::uint64_t frames = 0;  // 20 ms frames in the file
  double seconds = 0;
  std::uint64_t paused_frames = 0;  // written as silence because paused
  std::uint64_t masked_frames = 0;  // caller side blanked for a tone
};

class CallRecorder {
 public:
  // Creates the file (0600, new). The directory must exist (see
  // ensure_private_directory).
  static Result<std::unique_ptr<CallRecorder>> create(const std::string& path,
                                                      const RecorderOptions& options);
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;
  ~CallRecorder();

  // Decoded audio received from the caller (8 kHz), any amount, between ticks.
  void on_caller_audio(std::span<const std::int16_t> pcm);
  // One 20 ms tick: `sent` is the audio Keyline sent in it (kFrameSamples
  // samples; empty means silence). Writes the frame that leaves the delay line.
  void on_tick(std::span<const std::int16_t> sent);

  void pause() { paused_ = true; }
  void resume() { paused_ = false; }
  bool paused() const { return paused_; }

  // Writes what is still in the delay line, fixes the header and closes.
  // A second stop() returns the same result.
  Result<RecordingInfo> stop();
  // Removes the file (an error, or a recording with nothing worth keeping).
  void discard();

  bool failed() const { return failed_; }
  bool wants_sent_audio() const { return options_.layout != RecordLayout::kCallerMono; }
  std::uint64_t frames() const { return ticks_; }  // ticks so far (incl. the delay line)
  std::optional<VadState> speech() const {
    return vad_ ? std::optional<VadState>(vad_->state()) : std::nullopt;
  }
  const std::string& path() const { return writer_.path(); }

  // Frames held back so a tone can be blanked from before the detector
  // confirms it (it needs ~25-40 ms of tone; three frames reach 60 ms back).
  static constexpr std::size_t kDelayFrames = 4;
  static constexpr std::size_t kLookbackFrames = 3;

 private:
  struct Slot {
    std::array<std::int16_t, kFrameSamples> caller{};
    std::array<std::int16_t, kFrameSamples> sent{};
    bool paused = false;
    bool masked = false;
  };
  CallRecorder(WavFileWriter writer, const RecorderOptions& options,
               std::unique_ptr<InbandDtmfDetector> detector);
  Slot& slot(std::size_t age);  // 0 = newest
  void write_oldest();
  void write(const Slot& s);

  WavFileWriter writer_;
  RecorderOptions options_;
  std::unique_ptr<InbandDtmfDetector> detector_;
  std::optional<EnergyVad> vad_;
  bool paused_ = false;
  bool failed_ = false;
  bool stopped_ = false;
  std::optional<Result<RecordingInfo>> result_;

  // Caller audio received since the last tick; bounded, oldest dropped.
  static constexpr std::size_t kPendingMax = 8 * kFrameSamples;
  std::array<std::int16_t, kPendingMax> pending_{};
  std::size_t pending_count_ = 0;

  std::array<Slot, kDelayFrames + 1> ring_{};
  std::size_t ring_next_ = 0;   // where the next frame goes
  std::size_t ring_count_ = 0;  // frames held
  int tone_hang_ = 0;           // frames still to blank after a tone ended

  std::array<std::int16_t, 2 * kFrameSamples> out_{};  // one written frame
  std::uint64_t ticks_ = 0;
  std::uint64_t paused_frames_ = 0;
  std::uint64_t masked_frames_ = 0;
};

}  // namespace keyline::media
