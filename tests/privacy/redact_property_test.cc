// Property check in the manner of a fuzzer, deterministic so it can run in
// every build: whatever surrounds a card number, however its digits are
// grouped, whatever the policy, no 7 consecutive digits of it survive.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "privacy/redact.h"

namespace keyline::privacy {
namespace {

const char* const kPans[] = {"4111111111111111", "5555555555554444", "378282246310005",
                             "6011111111111117", "3530111333300000", "4012888888881881",
                             "6200000000000005", "2223003122003222"};
const char* const kNoise[] = {"",     " ",    "cvv ", "exp 12/27 ", "account ", "pin ",
                              "x",    "=",    "\"",   "12 ",        "9-",       ": ",
                              "ssn ", "dob ", "#",    "\r\n",       "nhs ",     "Signal="};

std::string group(const std::string& pan, std::mt19937& rng) {
  std::string out;
  std::uniform_int_distribution<int> sep(0, 5);
  for (std::size_t i = 0; i < pan.size(); ++i) {
    out.push_back(pan[i]);
    if (i + 1 < pan.size() && i % 4 == 3) {
      int s = sep(rng);
      if (s == 1) out.push_back(' ');
      if (s == 2) out.push_back('-');
    }
  }
  return out;
}

// Does any 7-digit piece of `pan` appear among the digits of `text` in order
// with at most single separators between them?
bool leaks(const std::string& text, const std::string& pan) {
  std::string digits_only;
  for (char c : text)
    digits_only.push_back((c >= '0' && c <= '9') ? c : (c == ' ' || c == '-') ? '\0' : '|');
  std::string squashed;
  for (char c : digits_only)
    if (c != '\0') squashed.push_back(c);
  for (std::size_t i = 0; i + 7 <= pan.size(); ++i)
    if (squashed.find(pan.substr(i, 7)) != std::string::npos) return true;
  return false;
}

TEST(RedactProperty, NoSevenDigitsOfACardNumberSurvive) {
  std::mt19937 rng(20261205);
  std::uniform_int_distribution<std::size_t> pick_pan(0, std::size(kPans) - 1);
  std::uniform_int_distribution<std::size_t> pick_noise(0, std::size(kNoise) - 1);
  std::uniform_int_distribution<int> coin(0, 1);
  for (int i = 0; i < 5000; ++i) {
    RedactionPolicy policy;
    policy.pan_mask = coin(rng) ? PanMask::kBinLast4 : PanMask::kLast4;
    policy.other_mask = coin(rng) ? OtherMask::kLast2 : OtherMask::kPlaceholder;
    std::string pan = kPans[pick_pan(rng)];
    std::string text = std::string(kNoise[pick_noise(rng)]) + group(pan, rng) +
                       kNoise[pick_noise(rng)] + (coin(rng) ? "123" : "");
    std::string out = redact(text, policy);
    ASSERT_FALSE(leaks(out, pan)) << "in:  " << text << "\nout: " << out;
    std::string digits_out = redact_digits(pan + "#", policy);
    ASSERT_FALSE(leaks(digits_out, pan)) << digits_out;
  }
}

TEST(RedactProperty, ArbitraryBytesNeverCrash) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> len(0, 200);
  RedactionPolicy policy;
  policy.health_patterns.push_back(*make_health_pattern("mrn", "MRN-@@######", "none"));
  std::size_t total = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    int n = len(rng);
    for (int k = 0; k < n; ++k) {
      int b = byte(rng);
      // Mostly digits and separators, so numbers of every shape occur.
      if (b < 150)
        text.push_back(static_cast<char>('0' + b % 10));
      else if (b < 200)
        text.push_back(" -/."[b % 4]);
      else
        text.push_back(static_cast<char>(b));
    }
    total += redact(text, policy).size() + redact_digits(text, policy).size();
  }
  EXPECT_GT(total, 0u);
}

// A bare run of 7+ digits is always masked somehow: no 7 in a row survive.
TEST(RedactProperty, NoBareLongDigitRunSurvives) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> len(7, 24);
  std::uniform_int_distribution<int> coin(0, 1);
  for (int i = 0; i < 5000; ++i) {
    std::string run;
    int n = len(rng);
    for (int k = 0; k < n; ++k) run.push_back(static_cast<char>('0' + digit(rng)));
    RedactionPolicy policy;
    policy.pan_mask = coin(rng) ? PanMask::kBinLast4 : PanMask::kLast4;
    policy.other_mask = coin(rng) ? OtherMask::kLast2 : OtherMask::kPlaceholder;
    for (const std::string& out :
         {redact("value " + run + " end", policy), redact_digits(run, policy)}) {
      int streak = 0;
      for (char c : out) {
        streak = (c >= '0' && c <= '9') ? streak + 1 : 0;
        ASSERT_LT(streak, 7) << run << " -> " << out;
      }
    }
  }
}

}  // namespace
}  // namespace keyline::privacy
