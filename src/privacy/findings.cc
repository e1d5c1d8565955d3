#include "privacy/findings.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "base/strings.h"
#include "privacy/bank.h"
#include "privacy/card.h"
#include "privacy/context.h"
#include "privacy/dates.h"
#include "privacy/ssn.h"

namespace keyline::privacy {
namespace {

// Separators people put inside a number: "4111 1111-1111".
bool is_separator(char c) { return c == ' ' || c == '-'; }

struct Group {
  std::size_t begin;
  std::size_t end;
};

// A number as written: digit groups joined by single separators.
struct Chain {
  std::vector<Group> groups;
  std::string digits;
  std::vector<std::size_t> digit_offset;  // digits.size() before each group
};

// Fills `chain` with the chain starting at text[pos]; `skip(i)` ends it early
// (used by the second pass to step around characters already claimed).
template <class Skip>
std::size_t read_chain(std::string_view text, std::size_t pos, Chain& chain, Skip skip) {
  chain.groups.clear();
  chain.digits.clear();
  chain.digit_offset.clear();
  std::size_t i = pos;
  for (;;) {
    std::size_t start = i;
    chain.digit_offset.push_back(chain.digits.size());
    while (i < text.size() && ascii_digit(text[i]) && !skip(i)) chain.digits.push_back(text[i++]);
    chain.groups.push_back({start, i});
    if (i + 1 < text.size() && is_separator(text[i]) && !skip(i) && ascii_digit(text[i + 1]) &&
        !skip(i + 1)) {
      ++i;
      continue;
    }
    return i;
  }
}

std::string_view chain_digits(const Chain& c, std::size_t first, std::size_t last) {
  std::size_t from = c.digit_offset[first];
  std::size_t to = last + 1 < c.groups.size() ? c.digit_offset[last + 1] : c.digits.size();
  return std::string_view(c.digits).substr(from, to - from);
}

bool month_year(std::string_view d) {  // MMYY
  int month = (d[0] - '0') * 10 + (d[1] - '0');
  return month >= 1 && month <= 12;
}

class Scanner {
 public:
  Scanner(std::string_view text, const RedactionPolicy& policy) : text_(text), policy_(policy) {}

  std::vector<Finding> run() {
    scan_chains();
    if (policy_.recognisers.expiry || policy_.recognisers.dob) scan_dates();
    if (policy_.recognisers.health) scan_health();
    if (policy_.recognisers.dtmf_signals) scan_dtmf_signals();
    std::vector<Finding> accepted = select();
    if (policy_.recognisers.long_numbers) add_long_numbers(accepted);
    std::sort(accepted.begin(), accepted.end(),
              [](const Finding& a, const Finding& b) { return a.begin < b.begin; });
    return accepted;
  }

 private:
  void add(std::size_t begin, std::size_t end, FindingKind kind) {
    candidates_.push_back({begin, end, kind});
  }

  void scan_chains() {
    Chain chain;
    std::size_t i = 0;
    while (i < text_.size()) {
      if (!ascii_digit(text_[i])) {
        ++i;
        continue;
      }
      std::size_t end = read_chain(text_, i, chain, [](std::size_t) { return false; });
      classify_chain(chain);
      i = end;
    }
  }

  // PANs first (possibly several, or one among other groups: "4111 … 1111 123"),
  // then each stretch of groups around them as one number.
  void classify_chain(const Chain& c) {
    std::size_t n = c.groups.size();
    std::size_t segment_start = 0;
    std::size_t g = 0;
    while (g < n) {
      std::size_t pan_end = policy_.recognisers.cards ? longest_pan_from(c, g) : n;
      if (pan_end == n) {
        ++g;
        continue;
      }
      if (g > segment_start) classify_segment(c, segment_start, g - 1);
      add(c.groups[g].begin, c.groups[pan_end].end, FindingKind::kPan);
      g = pan_end + 1;
      segment_start = g;
    }
    if (segment_start < n) classify_segment(c, segment_start, n - 1);
  }

  // The last group of the longest PAN starting at group `first`, or n.
  std::size_t longest_pan_from(const Chain& c, std::size_t first) {
    std::size_t n = c.groups.size();
    std::size_t best = n;
    for (std::size_t last = first; last < n; ++last) {
      std::string_view d = chain_digits(c, first, last);
      if (d.size() > 19) break;
      if (d.size() >= 12 && is_pan(d)) best = last;
    }
    return best;
  }

  void classify_segment(const Chain& c, std::size_t first, std::size_t last) {
    std::string_view d = chain_digits(c, first, last);
    std::size_t begin = c.groups[first].begin, end = c.groups[last].end;
    std::size_t n = d.size();
    bool single = first == last;
    const Recognisers& on = policy_.recognisers;
    if (n < 3) return;  // nothing context-dependent is that short; skip the look-back
    ContextKind ctx = context_before(text_, begin);
    auto shape = [&](std::initializer_list<std::size_t> widths) {
      if (last - first + 1 != widths.size()) return false;
      std::size_t g = first;
      for (std::size_t w : widths) {
        if (c.groups[g].end - c.groups[g].begin != w) return false;
        ++g;
      }
      return true;
    };
    if (on.cvv && ctx == ContextKind::kCvv && single && (n == 3 || n == 4))
      return add(begin, end, FindingKind::kCvv);
    if (on.pin && ctx == ContextKind::kPin && n >= 4 && n <= 12)
      return add(begin, end, FindingKind::kPin);
    if (on.expiry && ctx == ContextKind::kExpiry && single && n == 4 && month_year(d))
      return add(begin, end, FindingKind::kExpiry);
    if (on.ssn && n == 9 && (ctx == ContextKind::kSsn || (shape({3, 2, 4}) && ssn_valid(d))))
      return add(begin, end, FindingKind::kSsn);
    if (on.bank && ctx == ContextKind::kRouting && n == 9 && aba_routing_valid(d))
      return add(begin, end, FindingKind::kRouting);
    if (on.dob && ctx == ContextKind::kDob && n == 8 && is_compact_date(d))
      return add(begin, end, FindingKind::kDob);
    if (on.health && ctx == ContextKind::kHealth && n >= 6 && n <= 20)
      return add(begin, end, FindingKind::kHealth);
    if (on.bank && ctx == ContextKind::kAccount && n >= 4 && n <= 17)
      return add(begin, end, FindingKind::kAccount);
  }

  void scan_dates() {
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (!ascii_digit(text_[i])) continue;
      auto t = date_token_at(text_, i);
      if (!t) {
        while (i + 1 < text_.size() && ascii_digit(text_[i + 1])) ++i;
        continue;
      }
      ContextKind ctx = context_before(text_, t->begin);
      if (policy_.recognisers.expiry && ctx == ContextKind::kExpiry && is_expiry(*t))
        add(t->begin, t->end, FindingKind::kExpiry);
      else if (policy_.recognisers.dob && ctx == ContextKind::kDob && is_full_date(*t))
        add(t->begin, t->end, FindingKind::kDob);
      else if (is_iso_date(*t))
        add(t->begin, t->end, FindingKind::kKeep);
      i = t->end;
    }
  }

  void scan_health() {
    // Matches start only after a non-alphanumeric boundary and must fit the
    // pattern's first element: test both here, so the per-pattern matcher
    // runs at a handful of positions instead of every one.
    auto could_start = [](const HealthPattern& p, char c) {
      char first = p.pattern[0];
      if (first == '#') return ascii_digit(c);
      if (first == '@') return ascii_letter(c);
      if (first == '?') return ascii_digit(c) || ascii_letter(c);
      if (first == '\\') return p.pattern.size() > 1 && ascii_lower(p.pattern[1]) == ascii_lower(c);
      return ascii_lower(first) == ascii_lower(c);
    };
    auto scan = [&](const HealthPattern& p, std::size_t i) {
      if (!p.pattern.empty() && could_start(p, text_[i]))
        if (auto end = match_health_pattern(p, text_, i)) add(i, *end, FindingKind::kHealth);
    };
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (i > 0 && (ascii_digit(text_[i - 1]) || ascii_letter(text_[i - 1]))) continue;
      for (const auto& p : builtin_health_patterns()) scan(p, i);
      for (const auto& p : policy_.health_patterns) scan(p, i);
    }
  }

  // "Signal=5" / "Signal= #": the body of an application/dtmf-relay INFO.
  void scan_dtmf_signals() {
    static constexpr std::string_view kKey = "signal=";
    for (std::size_t i = 0; i + kKey.size() < text_.size(); ++i) {
      std::size_t k = 0;
      while (k < kKey.size() && ascii_lower(text_[i + k]) == kKey[k]) ++k;
      if (k < kKey.size()) continue;
      std::size_t at = i + k;
      while (at < text_.size() && text_[at] == ' ') ++at;
      std::size_t end = at;
      while (end < text_.size() && text_[end] != '\r' && text_[end] != '\n' && text_[end] != ' ')
        ++end;
      if (end > at) add(at, end, FindingKind::kDtmf);
      i = end;
    }
  }

  std::vector<Finding> select() {
    std::stable_sort(candidates_.begin(), candidates_.end(),
                     [](const Finding& a, const Finding& b) {
                       return a.kind != b.kind ? a.kind < b.kind : a.begin < b.begin;
                     });
    std::vector<Finding> accepted;
    if (candidates_.empty()) return accepted;
    covered_.assign(text_.size(), 0);
    for (const auto& f : candidates_) {
      bool free = true;
      for (std::size_t i = f.begin; i < f.end && free; ++i) free = !covered_[i];
      if (!free) continue;
      for (std::size_t i = f.begin; i < f.end; ++i) covered_[i] = 1;
      accepted.push_back(f);
    }
    return accepted;
  }

  // What no specific recogniser claimed: runs of 7+ digits keep the old,
  // context-free rule (account numbers, phone numbers, anything card-like
  // that failed the IIN check).
  void add_long_numbers(std::vector<Finding>& accepted) {
    auto claimed = [&](std::size_t i) { return !covered_.empty() && covered_[i]; };
    Chain chain;
    std::size_t i = 0;
    while (i < text_.size()) {
      if (!ascii_digit(text_[i]) || claimed(i)) {
        ++i;
        continue;
      }
      std::size_t end = read_chain(text_, i, chain, claimed);
      if (chain.digits.size() >= 7) accepted.push_back({i, end, FindingKind::kLongNumber});
      i = end;
    }
  }

  std::string_view text_;
  const RedactionPolicy& policy_;
  std::vector<Finding> candidates_;
  std::vector<char> covered_;
};

}  // namespace

std::string_view finding_kind_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDtmf:
      return "dtmf";
    case FindingKind::kCvv:
      return "cvv";
    case FindingKind::kPan:
      return "pan";
    case FindingKind::kExpiry:
      return "expiry";
    case FindingKind::kSsn:
      return "ssn";
    case FindingKind::kRouting:
      return "routing";
    case FindingKind::kDob:
      return "dob";
    case FindingKind::kHealth:
      return "health";
    case FindingKind::kAccount:
      return "account";
    case FindingKind::kPin:
      return "pin";
    case FindingKind::kKeep:
      return "keep";
    case FindingKind::kLongNumber:
      return "number";
  }
  return "?";
}

std::vector<Finding> find_sensitive(std::string_view text, const RedactionPolicy& policy) {
  return Scanner(text, policy).run();
}

}  // namespace keyline::privacy
