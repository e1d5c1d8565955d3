#include "sip/dtmf_info.h"

#include <charconv>

#include "base/strings.h"

namespace keyline::sip {
namespace {

std::string media_type(std::string_view content_type) {
  return to_lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<char> key_of(std::string_view text) {
  text = trim(text);
  if (text == "10") return '*';
  if (text == "11") return '#';
  if (text.size() != 1) return std::nullopt;
  char c = text[0];
  if (c >= 'a' && c <= 'd') c = static_cast<char>(c - 'a' + 'A');
  if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
  return std::nullopt;
}

// The value of "name=value" lines (case-insensitive name, any line ending).
std::optional<std::string_view> field(std::string_view body, std::string_view name) {
  while (!body.empty()) {
    std::size_t eol = body.find_first_of("\r\n");
    std::string_view line = body.substr(0, eol);
    body = eol == std::string_view::npos ? std::string_view() : body.substr(eol + 1);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (iequals(trim(line.substr(0, eq)), name)) return trim(line.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace

bool is_dtmf_content_type(std::string_view content_type) {
  std::string type = media_type(content_type);
  return type == "application/dtmf-relay" || type == "application/dtmf";
}

std::optional<InfoDigit> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  std::string type = media_type(content_type);
  InfoDigit out;
  if (type == "application/dtmf") {
    auto key = key_of(body);
    if (!key) return std::nullopt;
    out.digit = *key;
    return out;
  }
  if (type != "application/dtmf-relay") return std::nullopt;
  auto signal = field(body, "Signal");
  if (!signal) return std::nullopt;
  auto key = key_of(*signal);
  if (!key) return std::nullopt;
  out.digit = *key;
  if (auto duration = field(body, "Duration")) {
    int ms = 0;
    auto [end, ec] = std::from_chars(duration->data(), duration->data() + duration->size(), ms);
    // Longer than 10 s is not a key press; ignore rather than stretch de-duplication.
    if (ec == std::errc() && ms > 0 && ms <= 10000) out.duration_ms = ms;
  }
  return out;
}

std::string mask_dtmf_body(std::string_view text) {
  std::size_t end_of_headers = text.find("\r\n\r\n");
  if (end_of_headers == std::string_view::npos) return std::string(text);
  std::string_view headers = text.substr(0, end_of_headers);
  bool dtmf = false;
  std::size_t at = 0;
  while (at < headers.size()) {
    std::size_t eol = headers.find("\r\n", at);
    std::string_view line = headers.substr(at, eol == std::string_view::npos ? eol : eol - at);
    at = eol == std::string_view::npos ? headers.size() : eol + 2;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon));
    // "c" is Content-Type's compact form.
    if ((iequals(name, "Content-Type") || iequals(name, "c")) &&
        is_dtmf_content_type(line.substr(colon + 1)))
      dtmf = true;
  }
  std::size_t body_at = end_of_headers + 4;
  if (!dtmf || body_at >= text.size()) return std::string(text);
  return std::string(text.substr(0, body_at)) + "[private]";
}

std::string dtmf_relay_body(char digit, int duration_ms) {
  return "Signal=" + std::string(1, digit) + "\r\nDuration=" + std::to_string(duration_ms) + "\r\n";
}

}  // namespace keyline::sip
