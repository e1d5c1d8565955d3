// The builder's say-as types turned into words: how a prompt reads a card
// number, an amount, a date. Pure text in, words out; no audio.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::speech {

enum class SayAs { kDigits, kCharacters, kNumber, kCurrency, kDate, kTime, kTelephone };

// "digits" -> kDigits, ...; nullopt for an unknown interpret-as value.
std::optional<SayAs> parse_say_as(std::string_view interpret_as);

// The words for `text`, in groups to be said with a short pause between
// them (a telephone number's parts); every other type gives one group.
// Words are single-space separated. Digits and letters stay as characters
// ("4 1 1 1", "A B"), which every voice reads in its own language; numbers,
// amounts, dates and times are worded in English when `english`, and
// otherwise passed on as numerals for the voice to read. `format` is SSML's
// date order ("ymd" by default, "mdy", "dmy", "md", "dm"); other types
// ignore it. Errors name the type, never the text: it may be a private value.
Result<std::vector<std::string>> render_say_as(SayAs type, std::string_view text,
                                               std::string_view format, bool english);

// English words for a whole number: 1234 -> "one thousand two hundred thirty four".
std::string number_words(std::uint64_t n);

}  // namespace keyline::speech
