#include "speech/pocketsphinx_asr.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <deque>
#include <filesystem>
#include <mutex>
#include <utility>
#include <vector>

#include "media/vad.h"
#include "speech/resample.h"
#include "speech/wipe.h"

extern "C" {
#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/err.h>
}

namespace keyline::speech {
namespace {

// The acoustic model is trained on 16 kHz speech: phone audio is upsampled
// (it stays band-limited to 4 kHz, which the grammar-constrained search
// tolerates well; see docs/benchmarks.md for the accuracy this gives).
constexpr int kModelRate = 16000;
constexpr const char* kPhoneSearch = "keyline_phone_loop";
// The en-us model's phone set (CMUdict's 39 phones). Each becomes a
// one-phone dictionary word ("kl_aa"), and a grammar of any sequence of
// them is the reference the confidence is measured against.
constexpr std::array<const char*, 39> kPhones = {
    "AA", "AE", "AH", "AO", "AW", "AY", "B",  "CH", "D", "DH", "EH", "ER", "EY",
    "F",  "G",  "HH", "IH", "IY", "JH", "K",  "L",  "M", "N",  "NG", "OW", "OY",
    "P",  "R",  "S",  "SH", "T",  "TH", "UH", "UW", "V", "W",  "Y",  "Z",  "ZH"};
// Grammars kept compiled per decoder; a flow asks the same few again and
// again (its yes/no, its menu), and compiling one costs a few milliseconds.
constexpr std::size_t kCachedGrammars = 8;
// The A* n-best search over the lattice repeats word sequences (one per
// path); a handful of paths holds the distinct alternatives worth reporting.
constexpr std::size_t kNbestScan = 10;

// Confidence. Pocketsphinx gives no usable posterior for grammar searches
// (ps_get_prob is 0 there), so the adapter compares how well the grammar
// explains the audio with how well a free loop of phones does: the score
// margin per frame of speech. In bench/asr_bench (rms voice over G.711), a
// sentence that was really said lands between -15 and +20; out-of-grammar
// speech forced into the grammar mostly below -30. A logistic curve centred
// at -20 maps the margin to 0..1, so the default threshold of 0.5 sits in
// that gap. (The model's phone-trigram "allphone" search would be the
// textbook reference, but it decodes at ~7x real time; the loop at ~0.05x.)
constexpr double kMarginMidpoint = -20.0;
constexpr double kMarginScale = 3.0;
// Word insertion penalty of grammar searches (pocketsphinx's default is
// 0.65). Phone-band audio lacks the 4-8 kHz hiss of /s/, and with the default
// the decoder heard "six" as "two two"; a stiffer penalty took digit strings
// from ~80% to ~97% (bench/asr_bench).
constexpr double kGrammarWordPenalty = 1e-3;

double confidence_from_margin(double margin_per_frame) {
  return 1.0 / (1.0 + std::exp(-(margin_per_frame - kMarginMidpoint) / kMarginScale));
}

// sphinxbase logs through one process-wide FILE*, and its log records what
// the caller said (hypotheses, n-best). This once-flag is the adapter's only
// static: logging is turned off before the first decoder exists.
void silence_sphinx_log() {
  static std::once_flag once;
  std::call_once(once, [] { err_set_logfp(nullptr); });
}

template <class T>
void zero(std::vector<T>& v) {
  volatile T* p = v.data();
  for (std::size_t i = 0; i < v.size(); ++i) p[i] = T{};
  v.clear();
}

struct Decoder {
  ps_decoder_t* ps = nullptr;
  // Compiled grammars, oldest first: (search name, JSGF text).
  std::deque<std::pair<std::string, std::string>> grammars;
  std::size_t next_id = 0;
  // Score the stiffer grammar word penalty costs per word, to add back when
  // comparing with the phone loop.
  int penalty_per_word = 0;

  Decoder() = default;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;
  ~Decoder() {
    if (ps != nullptr) ps_free(ps);
  }
};

class DecoderPool {
 public:
  DecoderPool(PocketsphinxConfig config, std::string hmm, std::string dict)
      : config_(std::move(config)), hmm_(std::move(hmm)), dict_(std::move(dict)) {}

  // An idle decoder, or a new one while fewer than max_decoders exist.
  Result<std::unique_ptr<Decoder>> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto d = std::move(idle_.back());
        idle_.pop_back();
        return d;
      }
      if (live_ >= config_.max_decoders)
        return make_error("asr", "pocketsphinx: every decoder is busy");
      ++live_;
    }
    // Loading takes about a second: outside the lock, so other turns keep
    // using idle decoders meanwhile.
    auto d = create();
    if (!d) {
      std::lock_guard lock(mutex_);
      --live_;
    }
    return d;
  }

  void release(std::unique_ptr<Decoder> d) {
    if (!d) return;
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(d));
  }

 private:
  Result<std::unique_ptr<Decoder>> create() {
    // The front end's noise and silence removal adapt across utterances,
    // so a decoder's answer would depend on the turns it decoded before (a
    // fresh decoder scored the same audio differently from a used one). Off,
    // every turn is decoded from scratch: results are reproducible, whichever
    // pooled decoder a turn gets. Our own VAD handles silence.
    cmd_ln_t* cfg =
        cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm_.c_str(), "-dict", dict_.c_str(),
                    "-remove_noise", "no", "-remove_silence", "no", nullptr);
    if (cfg == nullptr) return make_error("asr", "pocketsphinx: bad configuration");
    auto d = std::make_unique<Decoder>();
    d->ps = ps_init(cfg);
    cmd_ln_free_r(cfg);  // the decoder keeps its own reference
    if (d->ps == nullptr) return make_error("asr", "pocketsphinx: cannot load the model");
    std::string loop =
        "#JSGF V1.0;\ngrammar keyline_phones;\npublic <loop> = <phone>+;\n<phone> = ";
    for (std::size_t i = 0; i < kPhones.size(); ++i) {
      std::string word = "kl_";
      for (const char* c = kPhones[i]; *c != '\0'; ++c)
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
      if (ps_add_word(d->ps, word.c_str(), kPhones[i], FALSE) < 0)
        return make_error("asr", "pocketsphinx: the model lacks a US English phone");
      loop += (i ? " | " : "") + word;
    }
    loop += ";\n";
    if (ps_set_jsgf_string(d->ps, kPhoneSearch, loop.c_str()) < 0)
      return make_error("asr", "pocketsphinx: cannot build the phone loop");
    // A search takes the word insertion penalty from the configuration when
    // it is built: the loop keeps the default (its "words" are phones), the
    // grammars built later get a stiffer one (see kGrammarWordPenalty).
    cmd_ln_t* live = ps_get_config(d->ps);
    const double lw = cmd_ln_float32_r(live, "-lw");
    const double default_wip = cmd_ln_float32_r(live, "-wip");
    cmd_ln_set_float_r(live, "-wip", kGrammarWordPenalty);
    logmath_t* lmath = ps_get_logmath(d->ps);
    // Pocketsphinx's own scaling of a language score (log base, weight,
    // senone-score shift of 10 bits).
    d->penalty_per_word =
        static_cast<int>(
            (logmath_log(lmath, default_wip) - logmath_log(lmath, kGrammarWordPenalty)) * lw) >>
        10;
    return d;
  }

  const PocketsphinxConfig config_;
  const std::string hmm_, dict_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Decoder>> idle_;
  std::size_t live_ = 0;
};

// Returns a leased decoder to its pool, also on every error path.
class DecoderLease {
 public:
  DecoderLease(std::shared_ptr<DecoderPool> pool, std::unique_ptr<Decoder> d)
      : pool_(std::move(pool)), d_(std::move(d)) {}
  DecoderLease(DecoderLease&&) = default;
  DecoderLease& operator=(DecoderLease&&) = delete;
  ~DecoderLease() {
    if (pool_ && d_) pool_->release(std::move(d_));
  }
  Decoder& operator*() const { return *d_; }
  Decoder* operator->() const { return d_.get(); }

 private:
  std::shared_ptr<DecoderPool> pool_;  // keeps the pool alive past the engine
  std::unique_ptr<Decoder> d_;
};

// Loads (or finds) the grammar's compiled search; returns its name.
Result<std::string> load_grammar(Decoder& d, const Grammar& grammar, const std::string& jsgf) {
  for (const auto& [name, text] : d.grammars)
    if (text == jsgf) return name;
  for (const auto& word : grammar_words(grammar)) {
    char* pron = ps_lookup_word(d.ps, word.c_str());
    if (pron == nullptr)
      return make_error("grammar", "the recognizer's dictionary has no word '" + word + "'");
    ckd_free(pron);
  }
  if (d.grammars.size() >= kCachedGrammars) {
    ps_unset_search(d.ps, d.grammars.front().first.c_str());
    d.grammars.pop_front();
  }
  std::string name = "keyline_g" + std::to_string(d.next_id++);
  if (ps_set_jsgf_string(d.ps, name.c_str(), jsgf.c_str()) < 0)
    return make_error("grammar",
                      "the recognizer rejected the grammar (JSGF syntax, or a word not in its "
                      "dictionary)");
  d.grammars.emplace_back(name, jsgf);
  return name;
}

struct Pass {
  std::string hyp;
  int score = 0;
  int speech_frames = 0;  // frames of words, not silence or fillers
  int words = 0;
};

// One decode of the whole buffer with the named search.
Result<Pass> decode(ps_decoder_t* ps, const char* search, const std::vector<std::int16_t>& pcm) {
  if (ps_set_search(ps, search) < 0) return make_error("asr", "pocketsphinx: no such search");
  if (ps_start_utt(ps) < 0) return make_error("asr", "pocketsphinx: cannot start an utterance");
  const int rc = ps_process_raw(ps, pcm.data(), pcm.size(), FALSE, TRUE);
  ps_end_utt(ps);
  if (rc < 0) return make_error("asr", "pocketsphinx: decoding failed");
  Pass pass;
  const char* hyp = ps_get_hyp(ps, &pass.score);
  if (hyp != nullptr) pass.hyp = hyp;
  for (ps_seg_t* seg = ps_seg_iter(ps); seg != nullptr; seg = ps_seg_next(seg)) {
    const char* word = ps_seg_word(seg);
    if (word == nullptr || word[0] == '<' || word[0] == '[') continue;  // <sil>, [NOISE]
    int start = 0, end = 0;
    ps_seg_frames(seg, &start, &end);
    pass.speech_frames += std::max(0, end - start + 1);
    ++pass.words;
  }
  return pass;
}

class PocketsphinxSession final : public AsrSession {
 public:
  PocketsphinxSession(DecoderLease lease, Grammar grammar, std::string search, int rate,
                      AsrOptions options)
      : lease_(std::move(lease)),
        grammar_(std::move(grammar)),
        search_(std::move(search)),
        rate_(rate),
        options_(options),
        vad_(media::VadConfig{.sample_rate = rate}) {}
  ~PocketsphinxSession() override { zero(audio_); }

  Status feed(std::span<const std::int16_t> pcm) override {
    if (finished_) return make_error("asr", "recognition already finished");
    if (static_cast<double>(audio_.size() + pcm.size()) > kMaxUtteranceSeconds * rate_)
      return make_error("asr", "utterance too long");
    audio_.insert(audio_.end(), pcm.begin(), pcm.end());
    if (!speech_seen_) speech_seen_ = vad_.process(pcm) != media::VadState::kWaiting;
    return Ok{};
  }

  Result<AsrResult> finish() override;

 private:
  // Words are what the caller said: copies that are not kept are wiped.
  void add_hypothesis(AsrResult& result, std::string words, double confidence) const {
    bool seen = false;
    for (const auto& h : result.nbest) seen = seen || h.words == words;
    auto value = seen ? Result<std::string>(Error{}) : interpret(grammar_, words);
    if (!value) {  // a repeat, or not a grammar sentence: cannot be acted on
      wipe(words);
      return;
    }
    result.nbest.push_back({std::move(words), std::move(*value), confidence});
  }

  DecoderLease lease_;
  Grammar grammar_;
  std::string search_;
  int rate_;
  AsrOptions options_;
  media::EnergyVad vad_;
  std::vector<std::int16_t> audio_;
  bool speech_seen_ = false;
  bool finished_ = false;
};

Result<AsrResult> PocketsphinxSession::finish() {
  if (finished_) return make_error("asr", "recognition already finished");
  finished_ = true;
  AsrResult result;
  result.audio_seconds = static_cast<double>(audio_.size()) / rate_;
  // No speech, no decode: silence forced through a grammar yields a guess.
  if (!speech_seen_) {
    zero(audio_);
    return result;
  }
  std::vector<std::int16_t> pcm =
      rate_ == kModelRate ? std::move(audio_) : resample(audio_, rate_, kModelRate);
  zero(audio_);

  ps_decoder_t* ps = lease_->ps;
  auto grammar_pass = decode(ps, search_.c_str(), pcm);
  if (!grammar_pass || grammar_pass->hyp.empty()) {
    zero(pcm);
    if (!grammar_pass) return grammar_pass.error();
    result.status = AsrStatus::kNoMatch;
    return result;
  }
  // The lattice of the grammar pass, read before the phone pass replaces it.
  std::vector<std::pair<std::string, int>> alternatives;
  ps_nbest_t* nb = ps_nbest(ps);
  for (std::size_t i = 0; nb != nullptr && i < kNbestScan; ++i, nb = ps_nbest_next(nb)) {
    int score = 0;
    const char* hyp = ps_nbest_hyp(nb, &score);
    if (hyp != nullptr && *hyp != '\0') alternatives.emplace_back(hyp, score);
  }
  if (nb != nullptr) ps_nbest_free(nb);

  auto phone_pass = decode(ps, kPhoneSearch, pcm);
  zero(pcm);
  if (!phone_pass) {
    wipe(grammar_pass->hyp);
    for (auto& alternative : alternatives) wipe(alternative.first);
    return phone_pass.error();
  }

  const int frames = std::max(1, grammar_pass->speech_frames);
  const long long fair_grammar_score =
      static_cast<long long>(grammar_pass->score) +
      static_cast<long long>(grammar_pass->words) * lease_->penalty_per_word;
  const double margin = static_cast<double>(fair_grammar_score - phone_pass->score) / frames;
  const double confidence = confidence_from_margin(margin);
  add_hypothesis(result, std::move(grammar_pass->hyp), confidence);
  // N-best scores are lattice path scores, on their own scale: only their
  // distance from the lattice's best is carried over to the margin.
  if (!alternatives.empty()) {
    const int top = alternatives.front().second;
    for (auto& [words, score] : alternatives) {
      if (result.nbest.size() >= std::max<std::size_t>(1, options_.max_nbest)) break;
      const double alt_margin = margin - static_cast<double>(top - score) / frames;
      add_hypothesis(result, std::move(words),
                     std::min(confidence, confidence_from_margin(alt_margin)));
    }
  }
  for (auto& alternative : alternatives) wipe(alternative.first);  // those not taken
  if (result.nbest.empty()) {
    result.status = AsrStatus::kNoMatch;
    return result;
  }
  result.best = result.nbest.front();
  result.status = result.best.confidence >= options_.confidence_threshold ? AsrStatus::kMatch
                                                                          : AsrStatus::kNoMatch;
  return result;
}

class PocketsphinxEngine final : public AsrEngine {
 public:
  explicit PocketsphinxEngine(std::shared_ptr<DecoderPool> pool) : pool_(std::move(pool)) {}

  Result<std::unique_ptr<AsrSession>> start(const Grammar& grammar, int sample_rate,
                                            const AsrOptions& options) override {
    if (sample_rate != 8000 && sample_rate != 16000)
      return make_error("asr", "sample rate must be 8000 or 16000");
    auto jsgf = to_jsgf(grammar);
    if (!jsgf) return jsgf.error();
    auto decoder = pool_->acquire();
    if (!decoder) return decoder.error();
    DecoderLease lease(pool_, std::move(*decoder));
    auto search = load_grammar(*lease, grammar, *jsgf);
    if (!search) return search.error();
    return std::unique_ptr<AsrSession>(std::make_unique<PocketsphinxSession>(
        std::move(lease), grammar, std::move(*search), sample_rate, options));
  }

  std::string_view name() const override { return "pocketsphinx:en-us"; }

 private:
  std::shared_ptr<DecoderPool> pool_;
};

}  // namespace

Result<std::unique_ptr<AsrEngine>> make_pocketsphinx_engine(const PocketsphinxConfig& config) {
  namespace fs = std::filesystem;
  const fs::path dir(config.model_dir);
  const fs::path hmm = dir / "en-us", dict = dir / "cmudict-en-us.dict";
  std::error_code ec;
  for (const auto& p : {hmm / "mdef", dict})
    if (!fs::exists(p, ec))
      return make_error("asr", "pocketsphinx model file missing: " + p.string() +
                                   " (install pocketsphinx-en-us)");
  if (config.max_decoders == 0) return make_error("asr", "max_decoders must be at least 1");
  silence_sphinx_log();
  auto pool = std::make_shared<DecoderPool>(config, hmm.string(), dict.string());
  // Load the first decoder now: a broken model fails at start-up, and the
  // first caller does not wait a second for it.
  auto first = pool->acquire();
  if (!first) return first.error();
  pool->release(std::move(*first));
  return std::unique_ptr<AsrEngine>(std::make_unique<PocketsphinxEngine>(std::move(pool)));
}

}  // namespace keyline::speech
