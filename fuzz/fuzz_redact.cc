// libFuzzer target: the maskers every log line, call-log field and DTMF stream
// goes through (privacy::redact, redact_digits, mask_caller_id). Nothing may
// crash, and no card number may survive: every Luhn-valid major-scheme PAN of
// 13-19 digits in the input — a maximal run of digits, or digits in groups
// joined by single spaces or dashes — must be absent from the output (looked
// for with the output's spaces and dashes removed, so a regrouped PAN counts).
// The first byte picks the policy; cards and long numbers stay on, since
// turning both off is the operator's way of asking for digits in clear.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/card.h"
#include "privacy/redact.h"

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digit sequences of the input that a reader would take for one number:
// maximal digit runs, and maximal runs of digits with single ' ' or '-'
// between them (separators dropped).
std::vector<std::string> numbers_in(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      ++i;
      continue;
    }
    std::string grouped, run;
    std::size_t j = i;
    while (j < text.size()) {
      if (is_digit(text[j])) {
        run += text[j];
        grouped += text[j];
        ++j;
      } else if ((text[j] == ' ' || text[j] == '-') && j + 1 < text.size() &&
                 is_digit(text[j + 1])) {
        out.push_back(run);
        run.clear();
        ++j;
      } else {
        break;
      }
    }
    out.push_back(run);
    out.push_back(grouped);
    i = j;
  }
  return out;
}

std::string without_separators(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '-') out += c;
  return out;
}

void check(std::string_view input, const std::string& output) {
  const std::string flat = without_separators(output);
  for (const auto& n : numbers_in(input)) {
    if (n.size() < 13 || n.size() > 19 || !keyline::privacy::is_pan(n)) continue;
    if (flat.find(n) != std::string::npos) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t knobs = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  keyline::privacy::RedactionPolicy policy;
  policy.pan_mask =
      knobs & 1 ? keyline::privacy::PanMask::kLast4 : keyline::privacy::PanMask::kBinLast4;
  policy.other_mask =
      knobs & 2 ? keyline::privacy::OtherMask::kPlaceholder : keyline::privacy::OtherMask::kLast2;
  // The context recognisers, on or off together: one may claim a PAN first
  // (a card number after "account"), and must still mask it.
  if (knobs & 4) {
    auto& r = policy.recognisers;
    r.cvv = r.expiry = r.bank = r.ssn = r.dob = r.pin = r.health = r.dtmf_signals = false;
  }
  if (knobs & 8) policy.recognisers.cards = false;  // long_numbers still masks PANs

  check(text, keyline::privacy::redact(text, policy));
  check(text, keyline::privacy::redact_digits(text, policy));
  (void)keyline::privacy::mask_caller_id(text);
  return 0;
}
