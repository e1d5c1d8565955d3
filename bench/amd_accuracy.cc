// Answering-machine detection accuracy on a labelled, generated set of answers: people
// ("Hello?", "Hi, this is Sam." then waiting, perhaps a second "Hello?"), answering machines
// (long greetings, half of them ending in a beep), fax machines (CNG or CED tones) and dead
// air. Speech comes from the real TTS voices (flite kal/slt/rms, espeak-ng en-us) at random
// rates and levels; every answer gets line noise at a chosen level and passes through G.711
// µ-law, as it would on a call. Nothing is stored: the same seed makes the same set.
//
//   amd_accuracy [--count 50] [--seed 1] [--noise -60] [--verbose]
//
// --count is per class and voice; --noise is the white-noise level in dBFS (-90 = none). Prints
// the confusion matrix, accuracy, decision times, beep timing, and the detector's CPU time per
// second of audio. Not a Google Benchmark: the figures are ratios over a corpus.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "media/answering_machine_detector.h"
#include "media/g711.h"
#include "speech/espeak_engine.h"
#include "speech/flite_engine.h"

namespace {

using keyline::media::AnsweringMachineDetector;
using keyline::media::CalleeType;
using keyline::speech::TtsEngine;

constexpr double kPi = 3.14159265358979323846;

const char* kHuman[] = {"Hello?",
                        "Hello.",
                        "Hi, this is Sam.",
                        "Yes?",
                        "Hello, Smith residence.",
                        "Hi there.",
                        "Good morning.",
                        "This is Dana.",
                        "Hello, who is this?",
                        "Yeah, hello?",
                        "Speaking.",
                        "Hey."};
const char* kMachine[] = {
    "Hi, you have reached Sam and Alex. We cannot come to the phone right now. Please leave a "
    "message after the tone.",
    "Hello, this is Dana. I am away from my desk. Leave your name and number and I will call you "
    "back.",
    "The person you are calling is not available. Please record your message after the tone. "
    "When you are finished, hang up.",
    "Thank you for calling Acme Plumbing. Our office is closed. Please leave a message and we will "
    "return your call on the next business day.",
    "You have reached the voicemail of Chris Taylor. Please leave a detailed message.",
    "Hi, it's Jordan. Sorry I missed you. Leave a message.",
    "The number you have dialed is not available. At the tone, please record your message.",
    "Hey, this is Pat. I can't take your call right now, but leave a message and I'll get back to "
    "you."};

enum Truth { kHumanAnswer, kMachineAnswer, kFaxAnswer, kSilence, kTruths };
const char* kTruthName[] = {"voice", "machine", "fax", "silence"};
const CalleeType kExpected[] = {CalleeType::kVoice, CalleeType::kAnsweringMachine, CalleeType::kFax,
                                CalleeType::kUnknown};
const CalleeType kColumns[] = {CalleeType::kVoice, CalleeType::kAnsweringMachine, CalleeType::kFax,
                               CalleeType::kUnknown};

struct Sample {
  Truth truth;
  std::vector<std::int16_t> pcm;
  std::int64_t beep_end_ms = -1;      // machine with a beep: where it ends
  std::int64_t greeting_end_ms = -1;  // machine: where its speech ends
};

struct Voice {
  std::string name;
  std::unique_ptr<TtsEngine> tts;
};

void append_silence(std::vector<std::int16_t>& pcm, int ms) {
  pcm.insert(pcm.end(), static_cast<std::size_t>(ms) * 8, 0);
}

void append_tone(std::vector<std::int16_t>& pcm, double hz, int ms, double dbfs) {
  const double amp = 32767.0 * std::pow(10.0, dbfs / 20.0) * std::sqrt(2.0);
  const std::size_t n = static_cast<std::size_t>(ms) * 8;
  for (std::size_t i = 0; i < n; ++i)
    pcm.push_back(static_cast<std::int16_t>(amp * std::sin(2 * kPi * hz * i / 8000.0)));
}

bool append_speech(std::vector<std::int16_t>& pcm, TtsEngine& tts, const char* text,
                   std::mt19937& rng) {
  std::uniform_real_distribution<double> rate(0.85, 1.2), gain(0.3, 1.0);
  auto audio = tts.synthesize_at_rate(text, rate(rng));
  if (!audio.ok() || audio->samples.empty()) return false;
  const double g = gain(rng);
  for (auto s : audio->samples) pcm.push_back(static_cast<std::int16_t>(s * g));
  return true;
}

int pick(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// The line: white noise at `noise_dbfs`, then G.711 µ-law both ways.
void to_line(std::vector<std::int16_t>& pcm, double noise_dbfs, std::mt19937& rng) {
  std::normal_distribution<double> noise(0.0, 32767.0 * std::pow(10.0, noise_dbfs / 20.0));
  for (auto& s : pcm) s = static_cast<std::int16_t>(std::clamp(s + noise(rng), -32768.0, 32767.0));
  std::vector<std::uint8_t> ulaw(pcm.size());
  keyline::media::encode_g711(keyline::media::G711::kUlaw, pcm, ulaw);
  keyline::media::decode_g711(keyline::media::G711::kUlaw, ulaw, pcm);
}

std::int64_t ms_of(const std::vector<std::int16_t>& pcm) {
  return static_cast<std::int64_t>(pcm.size() / 8);
}

Sample make_sample(Truth truth, TtsEngine& tts, std::mt19937& rng, double noise_dbfs) {
  Sample s{truth, {}};
  auto& pcm = s.pcm;
  switch (truth) {
    case kHumanAnswer: {
      append_silence(pcm, pick(rng, 100, 1000));
      append_speech(pcm, tts, kHuman[pick(rng, 0, std::size(kHuman) - 1)], rng);
      // A person waits for an answer; some say "Hello?" again.
      append_silence(pcm, pick(rng, 1200, 2500));
      if (pick(rng, 0, 1)) append_speech(pcm, tts, "Hello?", rng);
      break;
    }
    case kMachineAnswer: {
      append_silence(pcm, pick(rng, 200, 1500));
      append_speech(pcm, tts, kMachine[pick(rng, 0, std::size(kMachine) - 1)], rng);
      s.greeting_end_ms = ms_of(pcm);
      if (pick(rng, 0, 1)) {
        static const double kBeepHz[] = {440, 800, 1000, 1400, 1800};
        append_silence(pcm, pick(rng, 100, 700));
        append_tone(pcm, kBeepHz[pick(rng, 0, 4)], pick(rng, 200, 800), -pick(rng, 10, 25));
        s.beep_end_ms = ms_of(pcm);
      }
      break;
    }
    case kFaxAnswer: {
      append_silence(pcm, pick(rng, 0, 1000));
      const double level = -pick(rng, 10, 30);
      if (pick(rng, 0, 3) == 0) {
        append_tone(pcm, 2100, 3300, level);  // CED: the called fax answering
      } else {
        // CNG: the standard allows 1100 Hz +/- 38 Hz, 0.5 s +/- 15 %.
        const double hz = 1100 + pick(rng, -38, 38);
        for (int i = 0; i < 2; ++i) {
          append_tone(pcm, hz, pick(rng, 425, 575), level);
          append_silence(pcm, 3000);
        }
      }
      break;
    }
    default:
      break;
  }
  // Everything runs to 6 s of line audio at least (the decision must come well before), and a
  // machine's greeting or beep is followed by silence as the line waits for the message.
  append_silence(pcm, 4000);
  const std::size_t want = 6000 * 8;
  if (pcm.size() < want) pcm.resize(want, 0);
  to_line(pcm, noise_dbfs, rng);
  return s;
}

// CPU time of this thread: the machine is shared, so wall time would measure the neighbours.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int column_of(CalleeType t) {
  for (int i = 0; i < 4; ++i)
    if (kColumns[i] == t) return i;
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 50;
  unsigned seed = 1;
  double noise_dbfs = -60;
  bool verbose = false;
  keyline::media::AmdSettings settings;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--count") && i + 1 < argc)
      count = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc)
      seed = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--noise") && i + 1 < argc)
      noise_dbfs = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--verbose"))
      verbose = true;
    else if (!std::strcmp(argv[i], "--margin") && i + 1 < argc)
      settings.noise_margin_db = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--greeting-max") && i + 1 < argc)
      settings.greeting_max_ms = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr,
                   "usage: amd_accuracy [--count N] [--seed S] [--noise DBFS] [--margin DB] "
                   "[--greeting-max MS] [--verbose]\n");
      return 2;
    }
  }
  std::vector<Voice> voices;
  for (const char* v : {"kal", "slt", "rms"})
    if (auto tts = keyline::speech::make_flite_engine(v))
      voices.push_back({std::string("flite ") + v, std::move(tts)});
  if (auto tts = keyline::speech::make_espeak_engine("en-us"))
    voices.push_back({"espeak-ng en-us", std::move(tts)});
  if (voices.empty()) {
    std::fprintf(stderr, "no TTS voice available\n");
    return 1;
  }
  std::mt19937 rng(seed);
  int matrix[kTruths][4] = {};
  double decision_ms_sum[kTruths] = {};
  int decided[kTruths] = {};
  int beeps = 0, beeps_ready = 0, nobeep = 0, nobeep_ready = 0, early_ready = 0;
  double beep_delay_sum = 0, nobeep_delay_sum = 0;
  double cpu_s = 0, audio_s = 0;
  for (auto& voice : voices) {
    for (int n = 0; n < count; ++n) {
      for (int t = 0; t < kTruths; ++t) {
        const Sample s = make_sample(static_cast<Truth>(t), *voice.tts, rng, noise_dbfs);
        AnsweringMachineDetector amd(settings);
        const double start = thread_cpu_s();
        for (std::size_t i = 0; i < s.pcm.size() && !amd.ready_for_message(); i += 160) {
          const auto frame =
              std::span(s.pcm).subspan(i, std::min<std::size_t>(160, s.pcm.size() - i));
          (void)amd.feed(frame);
          if (amd.result() != CalleeType::kProcessing &&
              amd.result() != CalleeType::kAnsweringMachine)
            break;
        }
        cpu_s += thread_cpu_s() - start;
        audio_s += static_cast<double>(amd.audio_ms()) / 1000.0;
        const CalleeType got = amd.result();
        ++matrix[t][column_of(got)];
        if (got != CalleeType::kProcessing) {
          decision_ms_sum[t] += static_cast<double>(amd.decision_ms());
          ++decided[t];
        }
        if (got == CalleeType::kAnsweringMachine && t == kMachineAnswer) {
          if (s.beep_end_ms >= 0) {
            ++beeps;
            if (amd.ready_for_message() && amd.beep_heard() && amd.ready_ms() >= s.beep_end_ms) {
              ++beeps_ready;
              beep_delay_sum += static_cast<double>(amd.ready_ms() - s.beep_end_ms);
            }
          } else {
            ++nobeep;
            if (amd.ready_for_message() && amd.ready_ms() >= s.greeting_end_ms) {
              ++nobeep_ready;
              nobeep_delay_sum += static_cast<double>(amd.ready_ms() - s.greeting_end_ms);
            }
          }
          const std::int64_t end = s.beep_end_ms >= 0 ? s.beep_end_ms : s.greeting_end_ms;
          if (amd.ready_for_message() && amd.ready_ms() < end) ++early_ready;
        }
        if (verbose && got != kExpected[t])
          std::printf("  miss: %s (%s) -> %s (%s at %lld ms)\n", kTruthName[t], voice.name.c_str(),
                      std::string(callee_type_name(got)).c_str(), std::string(amd.reason()).c_str(),
                      static_cast<long long>(amd.decision_ms()));
      }
    }
  }
  int total = 0, right = 0;
  std::printf("voices:");
  for (auto& v : voices) std::printf(" [%s]", v.name.c_str());
  std::printf("\nnoise %.0f dBFS, %d per class and voice, seed %u, G.711 u-law\n\n", noise_dbfs,
              count, seed);
  std::printf("%-10s %8s %8s %8s %8s   %s\n", "truth", "voice", "machine", "fax", "unknown",
              "mean decision");
  for (int t = 0; t < kTruths; ++t) {
    std::printf("%-10s", kTruthName[t]);
    for (int c = 0; c < 4; ++c) {
      std::printf(" %8d", matrix[t][c]);
      total += matrix[t][c];
      if (kColumns[c] == kExpected[t]) right += matrix[t][c];
    }
    std::printf("   %.0f ms\n", decided[t] ? decision_ms_sum[t] / decided[t] : 0.0);
  }
  std::printf("\naccuracy %.1f%% (%d/%d)\n", total ? 100.0 * right / total : 0.0, right, total);
  std::printf("beep: %d/%d machines with a beep ready after it (mean %.0f ms after its end)\n",
              beeps_ready, beeps, beeps_ready ? beep_delay_sum / beeps_ready : 0.0);
  std::printf(
      "no beep: %d/%d ready after the greeting (mean %.0f ms after its end); %d ready too early\n",
      nobeep_ready, nobeep, nobeep_ready ? nobeep_delay_sum / nobeep_ready : 0.0, early_ready);
  std::printf("CPU: %.3f ms per second of audio (%.1f s of audio analysed; thread CPU time)\n",
              audio_s > 0 ? 1000.0 * cpu_s / audio_s : 0.0, audio_s);
  return 0;
}
