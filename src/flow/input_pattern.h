// InputPattern: the key-pattern grammar of Custom Field modules — small on purpose, so a
// builder cannot write a pattern that takes exponential time, and so the validator can tell
// the longest entry it accepts. See docs/apps.md, "custom_field".
//
//   pattern  := element+
//   element  := atom quantifier?
//   atom     := a digit | '*' | 'D' (any digit) | '[' (digit | digit '-' digit | '*')+ ']'
//   quantifier := '?' | '{' n '}' | '{' m ',' n '}'      (0 <= m <= n <= 128)
//
// "4D{15}" is a 16-digit number starting with 4; "[2-9]D{2}" is a 3-digit area code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::flow {

class InputPattern {
 public:
  InputPattern() = default;  // matches nothing
  // Errors say where ("at character 3: ...").
  static Result<InputPattern> parse(std::string_view text);

  bool matches(std::string_view keys) const;
  int min_length() const { return min_length_; }
  int max_length() const { return max_length_; }
  bool uses_star() const;  // '*' is a key of the pattern, not a way to correct
  const std::string& text() const { return text_; }

 private:
  struct Element {
    std::string keys;  // the keys the atom accepts
    int min = 1;
    int max = 1;
  };
  std::vector<Element> elements_;
  int min_length_ = 0;
  int max_length_ = 0;
  std::string text_;
};

}  // namespace keyline::flow
