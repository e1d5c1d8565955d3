#include "flow/input_collector.h"

#include "flow/secure_wipe.h"

namespace keyline::flow {

InputCollector InputCollector::for_menu(std::string option_keys) {
  InputCollector c;
  c.is_menu_ = true;
  c.option_keys_ = std::move(option_keys);
  return c;
}

InputCollector InputCollector::for_digits(int min_digits, int max_digits, char terminator,
                                          std::string extra_keys) {
  InputCollector c;
  c.option_keys_ = std::move(extra_keys);
  c.min_digits_ = min_digits;
  c.max_digits_ = max_digits;
  c.terminator_ = terminator;
  return c;
}

InputCollector& InputCollector::operator=(InputCollector&& other) {
  if (this != &other) {
    wipe();
    is_menu_ = other.is_menu_;
    option_keys_ = std::move(other.option_keys_);
    min_digits_ = other.min_digits_;
    max_digits_ = other.max_digits_;
    terminator_ = other.terminator_;
    value_ = std::move(other.value_);
    termchar_ = other.termchar_;
  }
  return *this;
}

InputCollector::~InputCollector() { wipe(); }

InputOutcome InputCollector::add(char key) {
  if (is_menu_) {
    value_.assign(1, key);
    return option_keys_.find(key) != std::string::npos ? InputOutcome::kSuccess
                                                       : InputOutcome::kNoMatch;
  }
  if (terminator_ != '\0' && key == terminator_) {
    termchar_ = key;
    return static_cast<int>(value_.size()) >= min_digits_ ? InputOutcome::kSuccess
                                                          : InputOutcome::kNoMatch;
  }
  const bool is_digit = key >= '0' && key <= '9';
  if (!is_digit && option_keys_.find(key) == std::string::npos) return InputOutcome::kNoMatch;
  value_ += key;
  // Submit on max: nothing the caller presses next could make the input valid again.
  if (static_cast<int>(value_.size()) >= max_digits_) return InputOutcome::kSuccess;
  return InputOutcome::kPending;
}

InputOutcome InputCollector::timeout() const {
  if (value_.empty()) return InputOutcome::kNoInput;
  if (is_menu_) return InputOutcome::kNoInput;  // a menu has already decided on its first key
  return static_cast<int>(value_.size()) >= min_digits_ ? InputOutcome::kSuccess
                                                        : InputOutcome::kNoMatch;
}

void InputCollector::wipe() {
  secure_wipe(value_);
  termchar_ = '\0';
}

}  // namespace keyline::flow
