// Whole numbers spoken as English words ("one hundred and five",
// "twenty three thousand four hundred"), for the Number grammar: the JSGF
// rules that accept them and the parser that turns the words back into
// digits. Kept apart from asr_grammar.cc because number wording has its own
// small grammar.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace keyline::speech {

// JSGF rule definitions; the public rule is <number> (0 .. 999,999).
std::string number_jsgf_rules();

// Every word number_jsgf_rules() can produce.
std::vector<std::string> number_words();

// The value of a word sequence the rules accept, or nullopt when the words
// are not a well-formed number ("hundred five", "twenty twenty").
std::optional<std::int64_t> parse_number_words(std::span<const std::string> words);

}  // namespace keyline::speech
