// Answering-machine detection (AMD) for outbound calls: from the first seconds of what the
// callee's side sends, tell a person from an answering machine, a fax machine, or neither.
//
// A person answers with a short greeting ("Hello?") and then waits for the caller to speak; a
// machine plays a long greeting with few pauses, usually ending in a beep; a fax machine sends
// its calling tone (CNG: 1100 Hz, 0.5 s on, 3 s off) or answer tone (CED: 2100 Hz). The
// detector measures exactly those patterns: speech and pauses with the energy VAD
// (media/vad.h), steady tones with Goertzel filters. The rules and their thresholds are
// documented in docs/media.md (Answering-machine detection). Pure: no clock, no I/O; time is
// the number of samples fed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/vad.h"

namespace keyline::media {

enum class CalleeType { kProcessing, kVoice, kAnsweringMachine, kFax, kUnknown };

// "processing", "voice", "answeringmachine", "fax", "unknown" (session.connection.callee_type).
std::string_view callee_type_name(CalleeType type);

struct AmdSettings {
  int decision_ms = 4000;  // give up (kUnknown) after this much audio
  // No speech at all for this long from the start: kUnknown (nobody is talking; a machine
  // that waits this long before its greeting is rare, and guessing would be worse).
  int initial_silence_ms = 2500;
  // Speech (summed over words, pauses excluded) longer than this before a pause of
  // after_greeting_silence_ms: a machine's greeting. A person's "Hello?" is 0.3-1 s and
  // "Hi, this is Sam." about 1.2 s.
  int greeting_max_ms = 1500;
  // A pause this long after a short greeting: a person waiting for the caller to answer.
  int after_greeting_silence_ms = 800;
  // More words than this before such a pause: a machine (a person's greeting is one to three
  // words long; a word here is a burst of speech between pauses of word_gap_ms).
  int max_words = 5;
  int min_word_ms = 100;  // shorter bursts are clicks or breaths, not words
  int word_gap_ms = 100;  // a pause at least this long separates two words
  // Speech level below which nothing counts as a word.
  double speech_dbfs = -45.0;
  // ... and this far above the tracked background. Lower than the VAD's 12 dB default: a
  // greeting on a noisy line (10-15 dB above the noise) must still be heard as speech, and
  // over a few seconds a false word costs less here than in a recording's end of speech.
  double noise_margin_db = 6.0;

  // Tones (fax and beep). A block of 20 ms is tonal when one frequency holds at least
  // tone_purity of its energy and it is louder than tone_min_dbfs.
  double tone_purity = 0.7;
  double tone_min_dbfs = -45.0;
  // Fax calling tone (CNG, ITU-T T.30): 1100 Hz +/- 38 Hz, on for 0.5 s (+/- 15 %).
  int cng_min_ms = 380;
  int cng_max_ms = 800;
  // Fax answer tone (CED / ANS): 2100 Hz +/- 15 Hz for 2.6-4 s; this much of it is enough.
  int ced_min_ms = 700;
  // A steady tone this long in 300-3400 Hz that is not a fax tone is a beep: a machine's
  // (whether or not speech came before it).
  int beep_min_ms = 150;
  // After a kAnsweringMachine decision with no beep yet: the greeting counts as over (ready
  // for the message) after this much silence, or in any case this long after the decision.
  int no_beep_silence_ms = 2500;
  int beep_timeout_ms = 30000;
};

class AnsweringMachineDetector {
 public:
  explicit AnsweringMachineDetector(AmdSettings settings = {});

  // Feed the callee's audio as 8 kHz 16-bit linear PCM, any frame size (usually 160 samples).
  // Returns the decision the first time one is made (never kProcessing), std::nullopt before.
  std::optional<CalleeType> feed(std::span<const std::int16_t> samples_8k);
  CalleeType result() const { return result_; }  // kProcessing until decided
  // After a kAnsweringMachine decision keep feeding: true once the greeting's beep has ended
  // (leave the message now). Also true if the greeting ended in silence without a beep.
  bool ready_for_message() const { return ready_; }

  // Why the decision was made, for logs and tuning ("short_greeting", "long_greeting",
  // "too_many_words", "beep", "cng", "ced", "initial_silence", "timeout"); "" while processing.
  std::string_view reason() const { return reason_; }
  // Milliseconds of audio fed when the decision was made / when ready_for_message() became
  // true (-1 before). The decision time is what a caller waits in silence.
  std::int64_t decision_ms() const { return decision_at_ms_; }
  std::int64_t ready_ms() const { return ready_at_ms_; }
  bool beep_heard() const { return beep_heard_; }
  // Frequency (Hz) of the last beep heard, 0 for none.
  double beep_hz() const { return beep_hz_; }
  std::int64_t audio_ms() const { return blocks_ * kBlockMs; }

  static constexpr int kBlockMs = 20;
  static constexpr std::size_t kBlockSamples = 160;

 private:
  void process_block();
  // One 20 ms block's dominant frequency and the share of its energy there.
  void analyse_tone(double energy, double& freq, double& purity) const;
  void track_tone(bool tonal, double freq);
  void tone_ended();
  void track_voice();
  void after_decision();
  void decide(CalleeType type, std::string_view reason);
  int ms(int blocks) const { return blocks * kBlockMs; }

  AmdSettings settings_;
  EnergyVad vad_;  // one word at a time: reset after each word's trailing gap
  std::int16_t block_[kBlockSamples] = {};
  std::size_t filled_ = 0;
  std::int64_t blocks_ = 0;  // complete blocks analysed

  CalleeType result_ = CalleeType::kProcessing;
  std::string_view reason_;
  std::int64_t decision_at_ms_ = -1;
  std::int64_t ready_at_ms_ = -1;
  bool ready_ = false;

  // The steady tone being tracked (consecutive tonal blocks near one frequency).
  int tone_blocks_ = 0;
  double tone_freq_ = 0;  // running mean over the run
  bool beep_heard_ = false;
  double beep_hz_ = 0;

  // Voice: the words so far (bursts of speech between pauses), their summed length, and where
  // the last one ended. Times are milliseconds of audio from the start.
  std::int64_t vad_origin_ms_ = 0;  // where the current VAD's sample 0 lies
  int words_ = 0;
  std::int64_t voiced_ms_ = 0;  // in completed words
  std::int64_t last_word_end_ms_ = 0;
};

}  // namespace keyline::media
