// InputCollector: the key-by-key decision of one input module (Menu or Digits), free of
// timers and prompts so that each rule — terminator, min/max, wrong key — is tested alone.
#pragma once

#include <string>

namespace keyline::flow {

enum class InputOutcome { kPending, kSuccess, kNoMatch, kNoInput };

class InputCollector {
 public:
  // A menu decides on the first key: one of `option_keys` is a success, any other a no-match.
  static InputCollector for_menu(std::string option_keys);
  // Digits 0-9 (and `extra_keys`, e.g. "*" for a decimal point) until `terminator` ('\0' =
  // none) or `max_digits`; fewer than `min_digits` at the end is a no-match, as is any other key.
  static InputCollector for_digits(int min_digits, int max_digits, char terminator,
                                   std::string extra_keys = "");

  InputCollector() = default;
  InputCollector(const InputCollector&) = delete;
  InputCollector& operator=(const InputCollector&) = delete;
  InputCollector(InputCollector&&) = default;
  InputCollector& operator=(InputCollector&&);
  ~InputCollector();

  InputOutcome add(char key);
  // The caller stopped pressing keys (initial or inter-digit timeout).
  InputOutcome timeout() const;

  const std::string& value() const { return value_; }  // the digits, or the menu key
  char termchar() const { return termchar_; }          // '\0' unless ended by the terminator
  bool empty() const { return value_.empty(); }
  void wipe();  // the digits may be a card number or a PIN

 private:
  bool is_menu_ = false;
  std::string option_keys_;  // menu keys, or the extra keys of a digit entry
  int min_digits_ = 1;
  int max_digits_ = 1;
  char terminator_ = '\0';
  std::string value_;
  char termchar_ = '\0';
};

}  // namespace keyline::flow
