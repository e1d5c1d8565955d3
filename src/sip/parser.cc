// parse_message() and frame_stream(): the untrusted-input side of the message
// layer. Every check returns a ParseError value; nothing asserts or throws.
#include <array>

#include "base/strings.h"
#include "sip/message.h"
#include "sip/syntax.h"

namespace keyline::sip {
namespace {

ParseError fail(int status, std::string reason) {
  return ParseError{status, std::move(reason), {}};
}

// The start line plus unfolded headers of one message.
struct Head {
  std::string_view start_line;
  std::vector<Header> headers;
  std::size_t length = 0;  // bytes up to and including the blank line
};

using HeadResult = std::variant<std::monostate /*incomplete*/, Head, ParseError>;

// Splits lines (CRLF, or bare LF from sloppy peers), unfolding continuation
// lines into the previous header with a single space (RFC 3261 7.3.1).
HeadResult read_head(std::string_view text) {
  Head head;
  bool first = true;
  std::size_t pos = 0;
  while (true) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (text.size() - pos > kMaxLineBytes) return fail(513, "line too long");
      if (text.size() > kMaxMessageBytes) return fail(513, "header block too large");
      return std::monostate{};
    }
    if (nl - pos > kMaxLineBytes) return fail(513, "line too long");
    std::size_t end = (nl > pos && text[nl - 1] == '\r') ? nl - 1 : nl;
    std::string_view line = text.substr(pos, end - pos);
    pos = nl + 1;
    if (first) {
      head.start_line = line;
      first = false;
      continue;
    }
    if (line.empty()) {
      head.length = pos;
      return head;
    }
    if (syntax::is_wsp(line.front())) {
      if (head.headers.empty()) return fail(400, "continuation line before any header");
      std::string_view more = syntax::trim_lws(line);
      auto& value = head.headers.back().value;
      if (!more.empty()) value += value.empty() ? std::string(more) : " " + std::string(more);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without colon");
    std::string_view name = syntax::trim_lws(line.substr(0, colon));
    if (!syntax::is_token(name)) return fail(400, "bad header name");
    if (head.headers.size() >= kMaxHeaders) return fail(513, "too many headers");
    head.headers.push_back(
        Header{std::string(name), std::string(syntax::trim_lws(line.substr(colon + 1)))});
  }
}

bool starts_with_sip_version(std::string_view s) {
  return s.size() >= 4 && iequals(s.substr(0, 4), "SIP/");
}

bool valid_uri_scheme(std::string_view uri) {
  auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || !syntax::is_alpha(uri.front())) return false;
  for (char c : uri.substr(0, colon))
    if (!syntax::is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

// Fills the request or status line into msg; returns an error otherwise.
std::optional<ParseError> parse_start_line(std::string_view line, Message& msg) {
  if (starts_with_sip_version(line)) {
    msg.request = false;
    auto sp = line.find(' ');
    if (sp == std::string_view::npos) return fail(400, "bad status line");
    if (!iequals(line.substr(0, sp), "SIP/2.0")) return fail(505, "version not supported");
    std::string_view rest = line.substr(sp + 1);
    // Exactly three digits, 100..699 (RFC 4475 3.1.2.19 has a 10-digit code).
    if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) return fail(400, "bad status code");
    auto code = parse_int<int>(rest.substr(0, 3));
    if (!code || *code < 100 || *code > 699) return fail(400, "bad status code");
    msg.status = *code;
    msg.reason = rest.size() > 4 ? std::string(rest.substr(4)) : std::string();
    return std::nullopt;
  }
  // Decide "SIP or not" on the trimmed line, so trailing spaces (RFC 4475
  // 3.1.2.10) get a 400 rather than a silent drop.
  std::string_view trimmed = syntax::trim_lws(line);
  auto last_sp = trimmed.rfind(' ');
  if (last_sp == std::string_view::npos || !starts_with_sip_version(trimmed.substr(last_sp + 1)))
    return fail(0, "not a SIP message");
  msg.request = true;
  // Exactly single spaces: extra LWS in the request line is invalid
  // (RFC 4475 3.1.2.8-10) and would make the Request-URI ambiguous.
  auto parts = split(line, ' ');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty())
    return fail(400, "malformed request line");
  if (!syntax::is_token(parts[0])) return fail(400, "bad method");
  msg.method = std::string(parts[0]);
  msg.request_uri = std::string(parts[1]);
  if (!iequals(parts[2], "SIP/2.0")) return fail(505, "version not supported");
  if (!valid_uri_scheme(parts[1])) return fail(400, "bad Request-URI");
  if (auto uri = parse_uri(parts[1]); !uri) return fail(400, "bad Request-URI");
  return std::nullopt;
}

std::size_t count_headers(const std::vector<Header>& headers, std::string_view name) {
  std::size_t n = 0;
  for (const auto& h : headers)
    if (header_name_equals(h.name, name)) ++n;
  return n;
}

// Content-Length: nullopt when absent; an error when repeated or not a number.
std::variant<std::monostate, std::size_t, ParseError> content_length(
    const std::vector<Header>& headers) {
  std::optional<std::size_t> found;
  for (const auto& h : headers) {
    if (!header_name_equals(h.name, "Content-Length")) continue;
    // Two lengths leave no way to find the body (RFC 4475 3.3.9).
    if (found) return fail(400, "multiple Content-Length headers");
    auto n = parse_int<std::size_t>(h.value);
    if (!n) return fail(400, "bad Content-Length");
    found = *n;
  }
  if (!found) return std::monostate{};
  return *found;
}

std::optional<ParseError> validate_headers(const Message& msg) {
  constexpr std::array<std::string_view, 5> kMandatory = {"To", "From", "Call-ID", "CSeq", "Via"};
  for (auto name : kMandatory)
    if (count_headers(msg.headers, name) == 0) return fail(400, "missing " + std::string(name));
  // Headers that may appear once only; two of them make the request
  // ambiguous (RFC 4475 3.3.8).
  constexpr std::array<std::string_view, 6> kSingle = {"To",   "From",         "Call-ID",
                                                       "CSeq", "Max-Forwards", "Content-Type"};
  for (auto name : kSingle)
    if (count_headers(msg.headers, name) > 1) return fail(400, "duplicate " + std::string(name));

  if (!parse_name_addr(*msg.header("To"))) return fail(400, "bad To");
  if (!parse_name_addr(*msg.header("From"))) return fail(400, "bad From");
  if (msg.header("Call-ID")->empty()) return fail(400, "empty Call-ID");
  auto cseq = parse_cseq(*msg.header("CSeq"));
  if (!cseq) return fail(400, "bad CSeq");
  if (msg.request && cseq->method != msg.method) return fail(400, "CSeq method mismatch");
  for (const auto& h : msg.headers)
    if (header_name_equals(h.name, "Via") && !parse_vias(h.value)) return fail(400, "bad Via");
  if (auto mf = msg.header("Max-Forwards"); mf && !parse_int<std::uint32_t>(*mf))
    return fail(400, "bad Max-Forwards");
  return std::nullopt;
}

std::size_t leading_crlf(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && (s[n] == '\r' || s[n] == '\n')) ++n;
  return n;
}

}  // namespace

ParseResult parse_message(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes) return fail(513, "message too large");
  std::string_view text = bytes.substr(leading_crlf(bytes));
  if (text.empty()) return fail(0, "empty or keep-alive");

  HeadResult head_result = read_head(text);
  if (auto* error = std::get_if<ParseError>(&head_result)) return std::move(*error);
  if (std::holds_alternative<std::monostate>(head_result)) {
    Message ignored;
    auto first_line = syntax::trim_lws(text.substr(0, text.find('\n')));
    if (auto error = parse_start_line(first_line, ignored)) return std::move(*error);
    return fail(400, "header block not terminated");
  }
  Head& head = std::get<Head>(head_result);

  Message msg;
  auto start_error = parse_start_line(head.start_line, msg);
  msg.headers = std::move(head.headers);
  if (start_error) {
    if (start_error->status != 0) start_error->partial = std::move(msg);
    return std::move(*start_error);
  }

  std::string_view rest = text.substr(head.length);
  auto length = content_length(msg.headers);
  if (auto* error = std::get_if<ParseError>(&length)) {
    error->partial = std::move(msg);
    return std::move(*error);
  }
  if (auto* n = std::get_if<std::size_t>(&length)) {
    if (rest.size() < *n) {
      ParseError error = fail(400, "body shorter than Content-Length");
      error.partial = std::move(msg);
      return error;
    }
    rest = rest.substr(0, *n);  // extra bytes after a datagram's body are ignored
  }
  msg.body = std::string(rest);

  if (auto error = validate_headers(msg)) {
    error->partial = std::move(msg);
    return std::move(*error);
  }
  return msg;
}

std::variant<std::monostate, Frame, ParseError> frame_stream(std::string_view buffer) {
  std::size_t skip = leading_crlf(buffer);
  std::string_view text = buffer.substr(skip);
  // Keep-alives are reported on their own so a ping can be answered at once.
  auto keepalive_or_wait = [&]() -> std::variant<std::monostate, Frame, ParseError> {
    if (skip > 0) return Frame{skip, 0};
    return std::monostate{};
  };
  if (text.empty()) return keepalive_or_wait();

  HeadResult head_result = read_head(text);
  if (auto* error = std::get_if<ParseError>(&head_result)) return std::move(*error);
  if (std::holds_alternative<std::monostate>(head_result)) return keepalive_or_wait();
  Head& head = std::get<Head>(head_result);

  // Only bytes that are not SIP at all break the stream; other start-line
  // errors are framed normally so the receiver can answer them (e.g. 505).
  Message ignored;
  if (auto error = parse_start_line(head.start_line, ignored); error && error->status == 0)
    return std::move(*error);

  std::size_t body = 0;
  auto length = content_length(head.headers);
  if (auto* error = std::get_if<ParseError>(&length)) return std::move(*error);
  if (auto* n = std::get_if<std::size_t>(&length)) body = *n;
  if (body > kMaxMessageBytes || head.length + body > kMaxMessageBytes)
    return fail(513, "message too large");
  if (text.size() < head.length + body) return keepalive_or_wait();
  return Frame{skip, head.length + body};
}

}  // namespace keyline::sip
