// Recognition accuracy and speed on generated speech: flite speaks each
// utterance (a random rate, level, lead-in and faint line noise, so no two
// are the same audio), G.711 µ-law carries it at 8 kHz, and pocketsphinx
// decodes it. Not a Google Benchmark: the figure is a ratio over a corpus.
//
//   asr_bench [--voice rms|slt|kal] [--count 200] [--seed 1]
//
// Prints, per grammar: utterances, correct (right value, accepted), wrong
// (another value accepted), rejected (no-match / no-input), mean confidence
// of the correct ones, and the real-time factor of recognition alone.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "media/g711.h"
#include "speech/flite_engine.h"
#include "speech/pocketsphinx_asr.h"

namespace {

using keyline::speech::AsrEngine;
using keyline::speech::AsrStatus;
using keyline::speech::Grammar;
using keyline::speech::TtsEngine;

struct Utterance {
  std::string text;   // what the voice says
  std::string value;  // what the flow should get ("" = must not match)
};

struct Tally {
  int total = 0, correct = 0, wrong = 0, rejected = 0;
  double confidence_sum = 0, audio_s = 0, decode_s = 0;
};

const char* kDigitWords[] = {"zero", "one", "two",   "three", "four",
                             "five", "six", "seven", "eight", "nine"};

std::string under_1000(int n) {
  static const char* teens[] = {"ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
  static const char* tens[] = {"",      "",      "twenty",  "thirty", "forty",
                               "fifty", "sixty", "seventy", "eighty", "ninety"};
  std::string out;
  if (n >= 100) out = std::string(kDigitWords[n / 100]) + " hundred";
  n %= 100;
  auto add = [&out](const std::string& w) { out += (out.empty() ? "" : " ") + w; };
  if (n >= 20) {
    add(tens[n / 10]);
    if (n % 10) add(kDigitWords[n % 10]);
  } else if (n >= 10) {
    add(teens[n - 10]);
  } else if (n > 0) {
    add(kDigitWords[n]);
  }
  return out;
}

std::string number_words(int n) {
  if (n == 0) return "zero";
  if (n < 1000) return under_1000(n);
  std::string out = under_1000(n / 1000) + " thousand";
  if (n % 1000) out += " " + under_1000(n % 1000);
  return out;
}

// Line audio for one utterance; empty on a synthesis failure.
std::vector<std::int16_t> line_audio(TtsEngine& tts, const std::string& text, std::mt19937& rng) {
  std::uniform_real_distribution<double> rate(0.85, 1.2), gain(0.35, 1.0);
  std::uniform_int_distribution<int> lead(100, 600);
  std::normal_distribution<double> noise(0.0, 25.0);  // about -62 dBFS
  auto audio = tts.synthesize_at_rate(text, rate(rng));
  if (!audio.ok() || audio->samples.empty()) return {};
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(lead(rng)) * 8, 0);
  const double g = gain(rng);
  for (auto s : audio->samples) pcm.push_back(static_cast<std::int16_t>(s * g));
  pcm.insert(pcm.end(), 4800, 0);
  for (auto& s : pcm) s = static_cast<std::int16_t>(std::clamp(s + noise(rng), -32768.0, 32767.0));
  std::vector<std::uint8_t> ulaw(pcm.size());
  keyline::media::encode_g711(keyline::media::G711::kUlaw, pcm, ulaw);
  keyline::media::decode_g711(keyline::media::G711::kUlaw, ulaw, pcm);
  return pcm;
}

Tally run(AsrEngine& asr, TtsEngine& tts, const Grammar& grammar,
          const std::vector<Utterance>& corpus, std::mt19937& rng, bool verbose) {
  Tally t;
  for (const auto& u : corpus) {
    const auto pcm = line_audio(tts, u.text, rng);
    if (pcm.empty()) continue;
    const auto start = std::chrono::steady_clock::now();
    auto session = asr.start(grammar, 8000, {});
    if (!session.ok()) {
      std::fprintf(stderr, "start: %s\n", session.error().message.c_str());
      std::exit(1);
    }
    for (std::size_t i = 0; i < pcm.size(); i += 160)
      (void)(*session)->feed(std::span(pcm).subspan(i, std::min<std::size_t>(160, pcm.size() - i)));
    auto r = (*session)->finish();
    t.decode_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    t.audio_s += static_cast<double>(pcm.size()) / 8000;
    ++t.total;
    const bool accepted = r.ok() && r->status == AsrStatus::kMatch;
    if (accepted && !u.value.empty() && r->best.value == u.value) {
      ++t.correct;
      t.confidence_sum += r->best.confidence;
    } else if (accepted) {
      ++t.wrong;
    } else {
      ++t.rejected;
    }
    const bool as_expected = u.value.empty() ? !accepted : accepted && r->best.value == u.value;
    if (verbose && !as_expected)
      std::printf("  miss: said '%s' -> %s '%s' (%.3f)\n", u.text.c_str(),
                  r.ok() ? std::string(keyline::speech::to_string(r->status)).c_str() : "error",
                  r.ok() ? r->best.words.c_str() : "", r.ok() ? r->best.confidence : 0.0);
  }
  return t;
}

void report(const char* name, const Tally& t, bool must_reject) {
  const double pct = [&] {
    const int good = must_reject ? t.rejected : t.correct;
    return t.total ? 100.0 * good / t.total : 0.0;
  }();
  std::printf("%-22s %5d  %s %6.1f%%  wrong %3d  rejected %3d  mean conf %.3f  RTF %.3f\n", name,
              t.total, must_reject ? "rejected" : "correct ", pct, t.wrong, t.rejected,
              t.correct ? t.confidence_sum / t.correct : 0.0,
              t.audio_s > 0 ? t.decode_s / t.audio_s : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string voice = "rms";
  int count = 200;
  unsigned seed = 1;
  bool verbose = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--voice") && i + 1 < argc)
      voice = argv[++i];
    else if (!std::strcmp(argv[i], "--count") && i + 1 < argc)
      count = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc)
      seed = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
      only = argv[++i];
    else if (!std::strcmp(argv[i], "-v"))
      verbose = true;
    else {
      std::fprintf(stderr,
                   "usage: asr_bench [--voice rms|slt|kal] [--count N] [--seed S] [--only "
                   "digits|yesno|number|menu|oog] [-v]\n");
      return 2;
    }
  }
  auto engine = keyline::speech::make_pocketsphinx_engine();
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.error().message.c_str());
    return 1;
  }
  auto tts = keyline::speech::make_flite_engine(voice);
  if (!tts) {
    std::fprintf(stderr, "unknown voice %s\n", voice.c_str());
    return 1;
  }
  std::mt19937 rng(seed);
  std::printf("voice flite:%s, G.711 u-law 8 kHz, %d utterances per grammar, seed %u\n",
              voice.c_str(), count, seed);

  std::vector<Utterance> digits, yes_no, numbers, menu, out_of_grammar;
  std::uniform_int_distribution<int> digit(0, 9), length(1, 10), number(0, 9999);
  for (int i = 0; i < count; ++i) {
    Utterance u;
    for (int n = length(rng); n > 0; --n) {
      const int d = digit(rng);
      u.text += (u.text.empty() ? "" : " ") + std::string(kDigitWords[d]);
      u.value += static_cast<char>('0' + d);
    }
    digits.push_back(u);
  }
  const std::pair<const char*, const char*> yn[] = {
      {"yes", "true"},  {"no", "false"},        {"yeah", "true"},    {"nope", "false"},
      {"sure", "true"}, {"incorrect", "false"}, {"correct", "true"}, {"wrong", "false"}};
  for (int i = 0; i < count; ++i) yes_no.push_back({yn[i % 8].first, yn[i % 8].second});
  for (int i = 0; i < count; ++i) {
    const int n = number(rng);
    numbers.push_back({number_words(n), std::to_string(n)});
  }
  const std::vector<keyline::speech::MenuChoice> choices = {
      {"sales", {"sales", "buy something"}},
      {"support", {"support", "technical support"}},
      {"billing", {"billing", "pay my bill"}},
      {"balance", {"account balance"}},
      {"agent", {"operator", "agent"}}};
  std::vector<std::pair<std::string, std::string>> phrases;
  for (const auto& c : choices)
    for (const auto& p : c.phrases) phrases.emplace_back(p, c.value);
  for (int i = 0; i < count; ++i)
    menu.push_back({phrases[static_cast<std::size_t>(i) % phrases.size()].first,
                    phrases[static_cast<std::size_t>(i) % phrases.size()].second});
  const char* other[] = {"what is the weather like today",   "pizza with extra cheese",
                         "I would like to speak to someone", "the quick brown fox",
                         "can you call me back tomorrow",    "my flight leaves at noon",
                         "hello is anybody there",           "please send me the invoice"};
  for (int i = 0; i < count / 4; ++i) out_of_grammar.push_back({other[i % 8], ""});

  auto want = [&only](const char* name) { return only.empty() || only == name; };
  // Each grammar draws from its own random stream, so --only reproduces its row.
  auto rng_for = [seed](unsigned k) { return std::mt19937(seed * 1000 + k); };
  if (want("digits")) {
    auto r = rng_for(1);
    report("digits (1-10)", run(**engine, *tts, Grammar::digits(1, 16), digits, r, verbose), false);
  }
  if (want("yesno")) {
    auto r = rng_for(2);
    report("yes/no", run(**engine, *tts, Grammar::yes_no(), yes_no, r, verbose), false);
  }
  if (want("number")) {
    auto r = rng_for(3);
    report("number (0-9999)", run(**engine, *tts, Grammar::number(), numbers, r, verbose), false);
  }
  if (want("menu")) {
    auto r = rng_for(4);
    report("menu (5 choices)", run(**engine, *tts, Grammar::menu(choices), menu, r, verbose),
           false);
  }
  if (want("oog")) {
    auto r = rng_for(5);
    report("out-of-grammar/yes-no",
           run(**engine, *tts, Grammar::yes_no(), out_of_grammar, r, verbose), true);
  }
  return 0;
}
