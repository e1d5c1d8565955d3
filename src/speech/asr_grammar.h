// What a speech-input turn listens for, described independently of any
// recognizer: yes/no, a digit string, a number, menu phrases or a custom
// JSGF grammar. This file turns a description into JSGF (the W3C-style
// grammar format recognizers accept) and maps the words a recognizer heard
// back to the value the flow stores ("two three" -> "23", "yeah" -> "true").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::speech {

enum class GrammarKind { kYesNo, kDigits, kNumber, kMenu, kCustom };

// One menu choice: the value stored when the caller says any of the phrases.
struct MenuChoice {
  std::string value;
  std::vector<std::string> phrases;  // e.g. {"sales", "buy something"}
};

// Bounds that keep a grammar small enough to compile quickly and decode
// without a search explosion.
constexpr int kMaxGrammarDigits = 32;
constexpr std::size_t kMaxMenuChoices = 64;
constexpr std::size_t kMaxPhraseWords = 8;
constexpr std::size_t kMaxCustomGrammarBytes = 64 * 1024;

struct Grammar {
  GrammarKind kind = GrammarKind::kYesNo;
  int min_digits = 1;  // kDigits
  int max_digits = 16;
  std::vector<MenuChoice> choices;  // kMenu
  std::string jsgf;                 // kCustom: a whole "#JSGF V1.0; ..." document

  static Grammar yes_no() { return Grammar{}; }
  static Grammar digits(int min_length, int max_length);
  static Grammar number();  // whole numbers 0 .. 999,999 in words
  static Grammar menu(std::vector<MenuChoice> choices);
  static Grammar custom(std::string jsgf_text);
};

// Checks bounds and phrase spelling (letters and apostrophes; case and
// extra spaces are normalised). Errors have kind "grammar" and may quote the
// app's own phrases, never anything a caller said.
Status validate(const Grammar& grammar);

// The JSGF document for a valid grammar (kCustom: the text as given).
Result<std::string> to_jsgf(const Grammar& grammar);

// Every word the grammar can produce, lower case, each once (for a
// dictionary check before the recognizer sees the grammar). Empty for
// kCustom, whose words only the recognizer's own parser knows.
std::vector<std::string> grammar_words(const Grammar& grammar);

// The value for a recognized word sequence ("two three"): digits "23";
// yes/no "true" / "false"; number "123"; menu the choice's value; custom
// the words themselves. An error when the words are not a sentence of the
// grammar (a recognizer should never produce one; treated as no-match).
Result<std::string> interpret(const Grammar& grammar, std::string_view words);

// Lower-cases and splits on spaces, dropping empty pieces.
std::vector<std::string> split_words(std::string_view text);

}  // namespace keyline::speech
