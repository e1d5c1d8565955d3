#include "speech/prompt_speech.h"

#include <algorithm>

#include "speech/ssml.h"
#include "speech/voice_catalog.h"
#include "speech/wipe.h"

namespace keyline::speech {

Result<Audio> speak_prompt(TtsEngine& engine, const std::string& text, const AudioLookup& audio) {
  if (!looks_like_ssml(text)) return engine.synthesize(text);
  // Say-as words follow the voice: English wording for an English voice,
  // numerals (read by the voice in its own language) for any other.
  auto segments = parse_ssml(text, primary_subtag(engine.language()) == "en");
  if (!segments) return segments.error();
  Audio out;  // 8 kHz, the rate every engine returns
  Result<Audio> failure = out;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const Segment& segment = (*segments)[i];
    if (!segment.audio.empty()) {
      // The clip when the table has it, and then not its fallback content.
      if (auto clip = audio ? audio(segment.audio) : nullptr) {
        out.samples.insert(out.samples.end(), clip->begin(), clip->end());
        i += std::min(segment.fallback, segments->size() - 1 - i);
      }
      continue;
    }
    if (segment.text.empty()) {
      const auto samples = static_cast<std::size_t>(segment.pause_ms) * 8;  // 8 per ms
      out.samples.resize(out.samples.size() + samples);
      continue;
    }
    auto part = engine.synthesize_at_rate(segment.text, segment.rate);
    if (!part || part->sample_rate != out.sample_rate) {
      failure = part ? make_error("tts", "engine returned audio at the wrong rate") : part.error();
      break;
    }
    out.samples.insert(out.samples.end(), part->samples.begin(), part->samples.end());
    std::fill(part->samples.begin(), part->samples.end(), 0);
  }
  for (auto& segment : *segments) wipe(segment.text);
  if (!failure) {
    std::fill(out.samples.begin(), out.samples.end(), 0);
    return failure;
  }
  return out;
}

}  // namespace keyline::speech
