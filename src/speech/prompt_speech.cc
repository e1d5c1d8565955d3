#include "speech/prompt_speech.h"

#include <algorithm>

#include "speech/ssml.h"
#include "speech/voice_catalog.h"
#include "speech/wipe.h"

namespace keyline::speech {

Result<Audio> speak_prompt(TtsEngine& engine, const std::string& text) {
  if (!looks_like_ssml(text)) return engine.synthesize(text);
  // Say-as words follow the voice: English wording for an English voice,
  // numerals (read by the voice in its own language) for any other.
  auto segments = parse_ssml(text, primary_subtag(engine.language()) == "en");
  if (!segments) return segments.error();
  Audio out;  // 8 kHz, the rate every engine returns
  Result<Audio> failure = out;
  for (auto& segment : *segments) {
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
