#include "speech/asr_engine.h"
#include "speech/wipe.h"

namespace keyline::speech {

void AsrResult::wipe() {
  speech::wipe(best.words);
  speech::wipe(best.value);
  for (auto& h : nbest) {
    speech::wipe(h.words);
    speech::wipe(h.value);
  }
  nbest.clear();
}

std::string_view to_string(AsrStatus status) {
  switch (status) {
    case AsrStatus::kMatch:
      return "match";
    case AsrStatus::kNoMatch:
      return "nomatch";
    case AsrStatus::kNoInput:
      return "noinput";
  }
  return "unknown";
}

}  // namespace keyline::speech
