#include "speech/asr_grammar.h"

#include <algorithm>
#include <array>
#include <set>

#include "speech/asr_number.h"

namespace keyline::speech {
namespace {

constexpr std::string_view kHeader = "#JSGF V1.0;\ngrammar keyline;\n";

// Few, acoustically distinct words per side: every extra synonym is one
// more way to confuse "no" with "yes".
constexpr std::array<std::string_view, 5> kYesWords = {"yes", "yeah", "yep", "sure", "correct"};
constexpr std::array<std::string_view, 4> kNoWords = {"no", "nope", "incorrect", "wrong"};

// "oh" is how most callers say 0 inside a digit string.
constexpr std::array<std::string_view, 11> kDigitWords = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh"};
constexpr std::string_view kDigitValues = "01234567890";

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

bool phrase_chars_ok(std::string_view phrase) {
  return std::all_of(phrase.begin(), phrase.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'' || c == ' ';
  });
}

Error grammar_error(std::string message) { return make_error("grammar", std::move(message)); }

Status validate_menu(const Grammar& g) {
  if (g.choices.empty()) return grammar_error("a menu grammar needs at least one choice");
  if (g.choices.size() > kMaxMenuChoices) return grammar_error("too many menu choices (max 64)");
  std::set<std::string> seen;
  for (const auto& choice : g.choices) {
    if (choice.phrases.empty())
      return grammar_error("menu choice '" + choice.value + "' has no phrases");
    for (const auto& phrase : choice.phrases) {
      if (!phrase_chars_ok(phrase))
        return grammar_error("menu phrase '" + phrase +
                             "' may hold only letters, apostrophes and spaces (write numbers as "
                             "words)");
      auto words = split_words(phrase);
      if (words.empty() || words.size() > kMaxPhraseWords)
        return grammar_error("menu phrase '" + phrase + "' must have 1 to 8 words");
      if (!seen.insert(join(words)).second)
        return grammar_error("menu phrase '" + phrase + "' is used twice");
    }
  }
  return Ok{};
}

std::string digits_rule(int min, int max) {
  std::string out = "public <digits> =";
  for (int i = 0; i < min; ++i) out += " <digit>";
  // Nested optionals rather than a repeat: JSGF has no {min,max}.
  for (int i = min; i < max; ++i) out += " [<digit>";
  out.append(static_cast<std::size_t>(max - min), ']');
  out += ";\n<digit> = ";
  for (std::size_t i = 0; i < kDigitWords.size(); ++i) {
    if (i) out += " | ";
    out += kDigitWords[i];
  }
  return out + ";\n";
}

}  // namespace

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

Grammar Grammar::digits(int min_length, int max_length) {
  Grammar g;
  g.kind = GrammarKind::kDigits;
  g.min_digits = min_length;
  g.max_digits = max_length;
  return g;
}

Grammar Grammar::number() {
  Grammar g;
  g.kind = GrammarKind::kNumber;
  return g;
}

Grammar Grammar::menu(std::vector<MenuChoice> choices) {
  Grammar g;
  g.kind = GrammarKind::kMenu;
  g.choices = std::move(choices);
  return g;
}

Grammar Grammar::custom(std::string jsgf_text) {
  Grammar g;
  g.kind = GrammarKind::kCustom;
  g.jsgf = std::move(jsgf_text);
  return g;
}

Status validate(const Grammar& g) {
  switch (g.kind) {
    case GrammarKind::kYesNo:
    case GrammarKind::kNumber:
      return Ok{};
    case GrammarKind::kDigits:
      if (g.min_digits < 1 || g.max_digits < g.min_digits || g.max_digits > kMaxGrammarDigits)
        return grammar_error("digit grammar lengths must satisfy 1 <= min <= max <= 32");
      return Ok{};
    case GrammarKind::kMenu:
      return validate_menu(g);
    case GrammarKind::kCustom: {
      if (g.jsgf.size() > kMaxCustomGrammarBytes)
        return grammar_error("custom grammar larger than 64 KiB");
      if (g.jsgf.find('\0') != std::string::npos)
        return grammar_error("custom grammar contains a NUL byte");
      const auto start = g.jsgf.find_first_not_of(" \t\r\n");
      if (start == std::string::npos || g.jsgf.compare(start, 5, "#JSGF") != 0)
        return grammar_error("custom grammar must be a JSGF document starting with #JSGF");
      if (g.jsgf.find("public") == std::string::npos)
        return grammar_error("custom grammar has no public rule");
      return Ok{};
    }
  }
  return grammar_error("unknown grammar kind");
}

Result<std::string> to_jsgf(const Grammar& g) {
  if (auto ok = validate(g); !ok) return ok.error();
  std::string out(kHeader);
  switch (g.kind) {
    case GrammarKind::kYesNo: {
      std::vector<std::string> words(kYesWords.begin(), kYesWords.end());
      words.insert(words.end(), kNoWords.begin(), kNoWords.end());
      out += "public <yesno> = ";
      for (std::size_t i = 0; i < words.size(); ++i) out += (i ? " | " : "") + words[i];
      return out + ";\n";
    }
    case GrammarKind::kDigits:
      return out + digits_rule(g.min_digits, g.max_digits);
    case GrammarKind::kNumber:
      return out + number_jsgf_rules();
    case GrammarKind::kMenu: {
      out += "public <menu> = ";
      bool first = true;
      for (const auto& choice : g.choices)
        for (const auto& phrase : choice.phrases) {
          if (!first) out += " | ";
          out += "(" + join(split_words(phrase)) + ")";
          first = false;
        }
      return out + ";\n";
    }
    case GrammarKind::kCustom:
      return g.jsgf;
  }
  return grammar_error("unknown grammar kind");
}

std::vector<std::string> grammar_words(const Grammar& g) {
  std::set<std::string> words;
  switch (g.kind) {
    case GrammarKind::kYesNo:
      for (auto w : kYesWords) words.emplace(w);
      for (auto w : kNoWords) words.emplace(w);
      break;
    case GrammarKind::kDigits:
      for (auto w : kDigitWords) words.emplace(w);
      break;
    case GrammarKind::kNumber:
      for (auto& w : number_words()) words.insert(w);
      break;
    case GrammarKind::kMenu:
      for (const auto& choice : g.choices)
        for (const auto& phrase : choice.phrases)
          for (auto& w : split_words(phrase)) words.insert(w);
      break;
    case GrammarKind::kCustom:
      break;
  }
  return {words.begin(), words.end()};
}

Result<std::string> interpret(const Grammar& g, std::string_view heard) {
  const auto words = split_words(heard);
  const auto no_parse = grammar_error("the words heard are not a sentence of the grammar");
  if (words.empty()) return no_parse;
  switch (g.kind) {
    case GrammarKind::kYesNo:
      if (words.size() != 1) return no_parse;
      if (contains(kYesWords, words[0])) return std::string("true");
      if (contains(kNoWords, words[0])) return std::string("false");
      return no_parse;
    case GrammarKind::kDigits: {
      if (words.size() < static_cast<std::size_t>(g.min_digits) ||
          words.size() > static_cast<std::size_t>(g.max_digits))
        return no_parse;
      std::string digits;
      for (const auto& w : words) {
        auto it = std::find(kDigitWords.begin(), kDigitWords.end(), w);
        if (it == kDigitWords.end()) return no_parse;
        digits += kDigitValues[static_cast<std::size_t>(it - kDigitWords.begin())];
      }
      return digits;
    }
    case GrammarKind::kNumber: {
      auto value = parse_number_words(words);
      if (!value) return no_parse;
      return std::to_string(*value);
    }
    case GrammarKind::kMenu: {
      const std::string said = join(words);
      for (const auto& choice : g.choices)
        for (const auto& phrase : choice.phrases)
          if (join(split_words(phrase)) == said) return choice.value;
      return no_parse;
    }
    case GrammarKind::kCustom:
      return join(words);
  }
  return no_parse;
}

}  // namespace keyline::speech
