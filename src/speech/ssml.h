// The SSML subset prompts may use, parsed into what to say and how long to
// pause: <speak>, <break>, <prosody rate>, <say-as>, <audio> (a clip with
// fallback content), <p>, <s>, <sub alias>, <emphasis> and <mark>. Pure text
// in, segments out; no audio. docs/speech.md lists the subset.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::speech {

// The largest SSML document accepted: a prompt, not a book.
constexpr std::size_t kMaxSsmlBytes = 32 * 1024;
// The longest single <break> (SSML processors commonly cap at 10 s).
constexpr int kMaxBreakMs = 10000;

struct Segment {
  std::string text;   // words to say, single-space separated; empty for a pause
  double rate = 1.0;  // 1.0 = the voice's normal speed
  int pause_ms = 0;   // the pause, when text is empty
  // An <audio src>: the clip to play (text empty). The `fallback` segments
  // after it are the element's content, said only when the clip cannot be.
  std::string audio;
  std::size_t fallback = 0;
};

// True when text (after leading whitespace) starts with "<speak": such a
// prompt is SSML; anything else is plain text and read as written.
bool looks_like_ssml(std::string_view text);

// Parses an SSML document. Say-as numbers, amounts, dates and times are
// worded in English when `english`. Malformed input gives an Error whose
// message starts "line L, column C:"; messages name elements of the subset
// but never quote the document's text, which may hold private values.
Result<std::vector<Segment>> parse_ssml(std::string_view doc, bool english = true);

}  // namespace keyline::speech
