// The values inside SSML markup: durations, rates, break strengths and
// character entities. Separate from the parser so each rule is tested alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyline::speech {

// "500ms", "1s", "1.5s" -> milliseconds; nullopt if malformed or negative.
std::optional<int> parse_ssml_duration(std::string_view s);

// A <prosody rate>: a keyword (x-slow 0.5, slow 0.75, medium/default 1,
// fast 1.25, x-fast 1.5), "150%" of normal, or "+20%"/"-20%" of the
// enclosing rate. nullopt if malformed; the caller clamps the range.
std::optional<double> parse_ssml_rate(std::string_view s, double enclosing);

// A <break strength> in milliseconds: none 0, x-weak 100, weak 250,
// medium 500, strong 750, x-strong 1000.
std::optional<int> parse_break_strength(std::string_view s);

// Appends the character an entity names ("amp", "lt", "#233", "#xE9") to
// `out` as UTF-8; false if it names none.
bool decode_entity(std::string_view entity, std::string& out);

}  // namespace keyline::speech
