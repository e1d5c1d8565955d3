#include "privacy/redact.h"

#include <cctype>

#include "base/strings.h"
#include "privacy/card.h"
#include "privacy/findings.h"

namespace keyline::privacy {
namespace {

// Copies `span`, replacing digits (and letters, when `letters`) with '*'
// except the first `keep_front` and the last `keep_back` of them. Separators
// stay so the shape of the number can still be read.
void append_masked(std::string& out, std::string_view span, std::size_t keep_front,
                   std::size_t keep_back, bool letters) {
  auto counts = [&](char c) { return letters ? ascii_alnum(c) : ascii_digit(c); };
  std::size_t total = 0;
  for (char c : span)
    if (counts(c)) ++total;
  if (keep_front + keep_back >= total) keep_front = keep_back = 0;  // nothing would be hidden
  std::size_t index = 0;
  for (char c : span) {
    if (!counts(c)) {
      out.push_back(c);
      continue;
    }
    bool keep = index < keep_front || index + keep_back >= total;
    out.push_back(keep ? c : '*');
    ++index;
  }
}

std::size_t digit_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if (ascii_digit(c)) ++n;
  return n;
}

void append_pan(std::string& out, std::string_view span, PanMask mask) {
  // PCI DSS allows BIN and last four at most; below 15 digits that would hide
  // too little, so short PANs keep only their last four.
  std::size_t front = mask == PanMask::kBinLast4 && digit_count(span) >= 15 ? 6 : 0;
  append_masked(out, span, front, 4, false);
}

void append_finding(std::string& out, std::string_view span, FindingKind kind,
                    const RedactionPolicy& policy) {
  switch (kind) {
    case FindingKind::kKeep:
      out.append(span);
      return;
    case FindingKind::kPan:
      append_pan(out, span, policy.pan_mask);
      return;
    case FindingKind::kCvv:
    case FindingKind::kPin:
    case FindingKind::kDtmf:
      // Never shown in any form: even the length of a CVV tells the scheme.
      out += "[";
      out += finding_kind_name(kind);
      out += "]";
      return;
    default:
      break;
  }
  if (policy.other_mask == OtherMask::kPlaceholder) {
    out += "[";
    out += finding_kind_name(kind);
    out += "]";
    return;
  }
  append_masked(out, span, 0, 2, kind == FindingKind::kHealth);
}

// Where "inline:" starts at or after `from`, in any letter case: the SDES key
// method is matched case-insensitively by parsers (ours included), so a peer
// writing "INLINE:" must not get its key past the redactor.
std::size_t find_inline(const std::string& text, std::size_t from) {
  static constexpr std::string_view kInline = "inline:";
  for (std::size_t i = from; i + kInline.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < kInline.size() && ascii_lower(text[i + k]) == kInline[k]) ++k;
    if (k == kInline.size()) return i;
  }
  return std::string::npos;
}

std::string redact_crypto_lines(std::string text) {
  // a=crypto:<tag> <suite> inline:<key>|... — the key must never be logged.
  std::size_t pos = 0;
  while ((pos = find_inline(text, pos)) != std::string::npos) {
    std::size_t start = pos + 7;
    std::size_t end = start;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n' && text[end] != ' ') ++end;
    text.replace(start, end - start, std::string(kPrivatePlaceholder));
    pos = start;
  }
  return text;
}

const RedactionPolicy& default_policy() {
  static const RedactionPolicy kDefault;
  return kDefault;
}

}  // namespace

std::string redact(std::string_view text, const RedactionPolicy& policy) {
  std::string out;
  out.reserve(text.size() + 16);
  bool has_digit = false;
  for (char c : text)
    if (ascii_digit(c)) {
      has_digit = true;
      break;
    }
  // Every recogniser needs a digit, except dtmf-relay's "Signal=*": most log
  // lines take this fast path.
  bool needs_scan =
      has_digit || (policy.recognisers.dtmf_signals && text.find('=') != std::string_view::npos);
  if (!needs_scan) {
    out.assign(text);
    if (find_inline(out, 0) != std::string::npos) return redact_crypto_lines(std::move(out));
    return out;
  }
  std::size_t at = 0;
  for (const auto& f : find_sensitive(text, policy)) {
    out.append(text.substr(at, f.begin - at));
    append_finding(out, text.substr(f.begin, f.end - f.begin), f.kind, policy);
    at = f.end;
  }
  out.append(text.substr(at));
  if (find_inline(out, 0) != std::string::npos) return redact_crypto_lines(std::move(out));
  return out;
}

std::string redact_digits(std::string_view digits, const RedactionPolicy& policy) {
  std::string out;
  std::size_t i = 0;
  while (i < digits.size()) {
    if (!ascii_digit(digits[i])) {
      out.push_back(digits[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < digits.size() && ascii_digit(digits[j])) ++j;
    std::string_view run = digits.substr(i, j - i);
    if (is_pan(run)) {
      append_pan(out, run, policy.pan_mask);
    } else if (run.size() >= 7) {
      if (policy.other_mask == OtherMask::kPlaceholder)
        out += "[number]";
      else
        append_masked(out, run, 0, 2, false);
    } else {
      out += kPrivatePlaceholder;
    }
    i = j;
  }
  return out;
}

std::string redact_text(std::string_view text) { return redact(text, default_policy()); }

bool looks_like_pan(std::string_view digits) {
  return digits.size() >= 13 && digits.size() <= 19 && luhn_valid(digits);
}

std::string mask_caller_id(std::string_view caller_id) {
  std::string out(caller_id);
  std::size_t digits = 0;
  for (char c : out)
    if (ascii_digit(c)) ++digits;
  std::size_t seen = 0;
  for (auto& c : out) {
    if (!ascii_digit(c)) continue;
    if (digits > 4 && seen < digits - 4) c = '*';
    ++seen;
  }
  return out;
}

}  // namespace keyline::privacy
