#include "speech/asr_number.h"

#include <array>
#include <cstddef>

namespace keyline::speech {
namespace {

constexpr std::array<std::string_view, 9> kOnes = {"one", "two",   "three", "four", "five",
                                                   "six", "seven", "eight", "nine"};
constexpr std::array<std::string_view, 10> kTeens = {"ten",      "eleven",  "twelve",  "thirteen",
                                                     "fourteen", "fifteen", "sixteen", "seventeen",
                                                     "eighteen", "nineteen"};
constexpr std::array<std::string_view, 8> kTens = {"twenty", "thirty",  "forty",  "fifty",
                                                   "sixty",  "seventy", "eighty", "ninety"};

template <std::size_t N>
std::string alternatives(const std::array<std::string_view, N>& words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += " | ";
    out += w;
  }
  return out;
}

template <std::size_t N>
int index_of(const std::array<std::string_view, N>& words, std::string_view w) {
  for (std::size_t i = 0; i < N; ++i)
    if (words[i] == w) return static_cast<int>(i);
  return -1;
}

// A recursive-descent reader over the word list, mirroring the JSGF rules.
class NumberReader {
 public:
  explicit NumberReader(std::span<const std::string> words) : words_(words) {}

  std::optional<std::int64_t> number() {
    if (words_.size() == 1 && words_[0] == "zero") return 0;
    auto high = under_1000();
    if (!high) return std::nullopt;
    std::int64_t value = *high;
    if (accept("thousand")) {
      value *= 1000;
      const bool joined = accept("and");
      if (!at_end()) {
        auto low = under_1000();
        if (!low) return std::nullopt;
        value += *low;
      } else if (joined) {
        return std::nullopt;  // "one thousand and"
      }
    }
    if (!at_end()) return std::nullopt;
    return value;
  }

 private:
  bool at_end() const { return pos_ == words_.size(); }
  std::string_view peek(std::size_t ahead = 0) const {
    return pos_ + ahead < words_.size() ? std::string_view(words_[pos_ + ahead])
                                        : std::string_view();
  }
  bool accept(std::string_view w) {
    if (peek() != w) return false;
    ++pos_;
    return true;
  }

  std::optional<std::int64_t> under_1000() {
    const int one = index_of(kOnes, peek());
    if (one >= 0 && peek(1) == "hundred") {
      pos_ += 2;
      std::int64_t value = (one + 1) * 100;
      const bool joined = accept("and");
      if (auto rest = under_100()) return value + *rest;
      if (joined) return std::nullopt;  // "one hundred and"
      return value;
    }
    return under_100();
  }

  std::optional<std::int64_t> under_100() {
    if (int i = index_of(kOnes, peek()); i >= 0) {
      ++pos_;
      return i + 1;
    }
    if (int i = index_of(kTeens, peek()); i >= 0) {
      ++pos_;
      return i + 10;
    }
    if (int i = index_of(kTens, peek()); i >= 0) {
      ++pos_;
      std::int64_t value = (i + 2) * 10;
      if (int o = index_of(kOnes, peek()); o >= 0) {
        ++pos_;
        value += o + 1;
      }
      return value;
    }
    return std::nullopt;
  }

  std::span<const std::string> words_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string number_jsgf_rules() {
  std::string out;
  out += "<n_ones> = " + alternatives(kOnes) + ";\n";
  out += "<n_teens> = " + alternatives(kTeens) + ";\n";
  out += "<n_tens> = " + alternatives(kTens) + ";\n";
  out += "<n_under100> = <n_ones> | <n_teens> | <n_tens> [<n_ones>];\n";
  out += "<n_under1000> = <n_ones> hundred [[and] <n_under100>] | <n_under100>;\n";
  out += "public <number> = zero | <n_under1000> thousand [[and] <n_under1000>] | <n_under1000>;\n";
  return out;
}

std::vector<std::string> number_words() {
  std::vector<std::string> out = {"zero", "hundred", "thousand", "and"};
  for (auto w : kOnes) out.emplace_back(w);
  for (auto w : kTeens) out.emplace_back(w);
  for (auto w : kTens) out.emplace_back(w);
  return out;
}

std::optional<std::int64_t> parse_number_words(std::span<const std::string> words) {
  if (words.empty()) return std::nullopt;
  return NumberReader(words).number();
}

}  // namespace keyline::speech
