// Answering-machine detection on real synthesized speech (flite and espeak-ng), carried over
// G.711 µ-law as on a call: a person's short greeting, a machine's long one ending in a beep,
// and a short greeting that ends in a beep. The accuracy over a larger generated set is
// bench/amd_accuracy.cc's job (docs/media.md); these are the clear cases that must never fail.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "media/answering_machine_detector.h"
#include "media/g711.h"
#include "speech/espeak_engine.h"
#include "speech/flite_engine.h"

namespace keyline::speech {
namespace {

using media::AnsweringMachineDetector;
using media::CalleeType;

class Answer {
 public:
  explicit Answer(TtsEngine& tts) : tts_(tts) {}
  Answer& silence(int ms) {
    pcm_.insert(pcm_.end(), static_cast<std::size_t>(ms) * 8, 0);
    return *this;
  }
  Answer& say(const char* text) {
    auto audio = tts_.synthesize(text);
    EXPECT_TRUE(audio.ok());
    if (audio.ok()) pcm_.insert(pcm_.end(), audio->samples.begin(), audio->samples.end());
    return *this;
  }
  Answer& beep(double hz, int ms) {
    for (int i = 0; i < ms * 8; ++i)
      pcm_.push_back(
          static_cast<std::int16_t>(6000 * std::sin(2 * 3.14159265358979 * hz * i / 8000)));
    return *this;
  }
  std::int64_t ms() const { return static_cast<std::int64_t>(pcm_.size() / 8); }
  // Through G.711 µ-law and into the detector in 20 ms frames, to the end.
  std::unique_ptr<AnsweringMachineDetector> detect() const {
    std::vector<std::uint8_t> ulaw(pcm_.size());
    std::vector<std::int16_t> line(pcm_.size());
    media::encode_g711(media::G711::kUlaw, pcm_, ulaw);
    media::decode_g711(media::G711::kUlaw, ulaw, line);
    auto amd = std::make_unique<AnsweringMachineDetector>();
    for (std::size_t i = 0; i < line.size(); i += 160)
      (void)amd->feed(std::span(line).subspan(i, std::min<std::size_t>(160, line.size() - i)));
    return amd;
  }

 private:
  TtsEngine& tts_;
  std::vector<std::int16_t> pcm_;
};

std::vector<std::unique_ptr<TtsEngine>> voices() {
  std::vector<std::unique_ptr<TtsEngine>> out;
  if (auto v = make_flite_engine("kal")) out.push_back(std::move(v));
  if (auto v = make_espeak_engine("en-us")) out.push_back(std::move(v));
  return out;
}

TEST(AmdWithTts, AShortGreetingIsAPerson) {
  auto tts = voices();
  ASSERT_FALSE(tts.empty());
  for (auto& voice : tts) {
    for (const char* greeting : {"Hello?", "Hi, this is Sam."}) {
      const auto amd = Answer(*voice).silence(400).say(greeting).silence(3000).detect();
      EXPECT_EQ(amd->result(), CalleeType::kVoice) << voice->name() << ": " << greeting;
    }
  }
}

TEST(AmdWithTts, ALongGreetingIsAMachineReadyAfterItsBeep) {
  auto tts = voices();
  ASSERT_FALSE(tts.empty());
  for (auto& voice : tts) {
    Answer answer(*voice);
    answer.silence(600)
        .say(
            "Hi, you have reached Sam and Alex. We cannot come to the phone right now. "
            "Please leave a message after the tone.")
        .silence(300)
        .beep(1000, 500);
    const std::int64_t beep_end = answer.ms();
    answer.silence(2000);
    const auto amd = answer.detect();
    EXPECT_EQ(amd->result(), CalleeType::kAnsweringMachine) << voice->name();
    EXPECT_LE(amd->decision_ms(), 4000) << voice->name();
    EXPECT_TRUE(amd->ready_for_message()) << voice->name();
    EXPECT_TRUE(amd->beep_heard()) << voice->name();
    EXPECT_GE(amd->ready_ms(), beep_end) << voice->name();
    EXPECT_LE(amd->ready_ms(), beep_end + 60) << voice->name();
  }
}

TEST(AmdWithTts, AShortGreetingEndingInABeepIsAMachine) {
  auto tts = voices();
  ASSERT_FALSE(tts.empty());
  for (auto& voice : tts) {
    const auto amd = Answer(*voice)
                         .silence(300)
                         .say("Leave a message.")
                         .silence(200)
                         .beep(1400, 400)
                         .silence(2000)
                         .detect();
    EXPECT_EQ(amd->result(), CalleeType::kAnsweringMachine) << voice->name();
    EXPECT_EQ(amd->reason(), "beep") << voice->name();
  }
}

}  // namespace
}  // namespace keyline::speech
