// {{var}} placeholders in prompt texts (declared in variables.h).
#include "flow/variables.h"

#include "base/strings.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {
namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";

struct Placeholder {
  std::string_view name;
  std::string_view filter;  // empty when none
};

Placeholder split_placeholder(std::string_view inside) {
  Placeholder p;
  const auto bar = inside.find('|');
  p.name = trim(inside.substr(0, bar));
  if (bar != std::string_view::npos) p.filter = trim(inside.substr(bar + 1));
  return p;
}

// "12345" -> "1 2 3 4 5"; spaces already in the value are dropped so they do not double up.
std::string spell_digits(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == ' ') continue;
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '$';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

namespace {

// for_log: private values become "[private]" (call logs, debug output).
std::string substitute_impl(std::string_view text, const Variables& variables, bool* used_private,
                            bool for_log,
                            const std::function<std::string(std::string_view)>* encode = nullptr) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find(kOpen, pos);
    const auto close = open == std::string_view::npos ? open : text.find(kClose, open + 2);
    if (close == std::string_view::npos) {  // no (complete) placeholder left: copy the rest
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const Placeholder p = split_placeholder(text.substr(open + 2, close - open - 2));
    if (for_log && variables.is_private(p.name)) {
      out += "[private]";
    } else if (auto value = variables.get(p.name)) {
      if (used_private && variables.is_private(p.name)) *used_private = true;
      if (p.filter == "digits") {
        std::string spelt = spell_digits(*value);
        secure_wipe(*value);
        *value = std::move(spelt);
      }
      if (encode) {
        std::string encoded = (*encode)(*value);
        out += encoded;
        secure_wipe(encoded);
      } else {
        out += *value;
      }
      secure_wipe(*value);  // the copy may be a private value
    }
    pos = close + 2;
  }
  return out;
}

}  // namespace

std::string substitute(std::string_view text, const Variables& variables, bool* used_private) {
  return substitute_impl(text, variables, used_private, false);
}

std::string substitute_encoded(std::string_view text, const Variables& variables,
                               const std::function<std::string(std::string_view)>& encode,
                               bool* used_private) {
  return substitute_impl(text, variables, used_private, false, &encode);
}

std::string substitute_for_log(std::string_view text, const Variables& variables) {
  return substitute_impl(text, variables, nullptr, true);
}

std::vector<std::string> template_variables(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const auto open = text.find(kOpen, pos);
    if (open == std::string_view::npos) return out;
    const auto close = text.find(kClose, open + 2);
    if (close == std::string_view::npos) return out;
    out.emplace_back(split_placeholder(text.substr(open + 2, close - open - 2)).name);
    pos = close + 2;
  }
}

std::optional<std::string> check_template(std::string_view text) {
  std::size_t pos = 0;
  while (true) {
    const auto open = text.find(kOpen, pos);
    if (open == std::string_view::npos) return std::nullopt;
    const auto close = text.find(kClose, open + 2);
    if (close == std::string_view::npos) return "unterminated {{ (a placeholder needs }})";
    const Placeholder p = split_placeholder(text.substr(open + 2, close - open - 2));
    if (!valid_name(p.name)) return "bad variable name '" + std::string(p.name) + "' inside {{ }}";
    if (!p.filter.empty() && p.filter != "digits")
      return "unknown filter '" + std::string(p.filter) + "' (known: digits)";
    pos = close + 2;
  }
}

}  // namespace keyline::flow
