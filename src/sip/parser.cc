// parse_message_view(), parse_message() and frame_stream(): the untrusted-input side of the
// message layer. Every check returns a ParseError value; nothing asserts or throws. The
// parser copies nothing: it indexes the buffer into a MessageView (message_view.h), and
// parse_message() copies that into a Message only once the message has passed every check.
#include <array>
#include <cstring>

#include "base/strings.h"
#include "sip/message.h"
#include "sip/message_view.h"
#include "sip/syntax.h"

namespace keyline::sip {
namespace {

ParseError fail(int status, std::string reason) {
  return ParseError{status, std::move(reason), {}};
}

// An error that carries what was parsed so far, so a transport can still answer it.
ParseError fail_with(const MessageView& view, int status, std::string reason) {
  ParseError error = fail(status, std::move(reason));
  error.partial = view.to_message();
  return error;
}

// Where the header block ended: bytes up to and including the blank line.
struct HeadEnd {
  std::string_view start_line;
  std::size_t length = 0;
};
using HeadResult = std::variant<std::monostate /*incomplete*/, HeadEnd, ParseError>;

// Splits lines (CRLF, or bare LF from sloppy peers) into `view`'s headers, joining
// continuation lines into the previous header with a single space (RFC 3261 7.3.1).
HeadResult read_head(std::string_view text, MessageView& view) {
  HeadEnd head;
  bool first = true;
  std::size_t pos = 0;
  char* folded = nullptr;  // joined values, allocated at the first continuation line
  std::size_t folded_used = 0;
  bool back_is_folded = false;  // the last header's value already lives in `folded`
  while (true) {
    const char* found = static_cast<const char*>(
        pos < text.size() ? std::memchr(text.data() + pos, '\n', text.size() - pos) : nullptr);
    if (!found) {
      if (text.size() - pos > kMaxLineBytes) return fail(513, "line too long");
      if (text.size() > kMaxMessageBytes) return fail(513, "header block too large");
      return std::monostate{};
    }
    std::size_t nl = static_cast<std::size_t>(found - text.data());
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
      if (view.headers().empty()) return fail(400, "continuation line before any header");
      std::string_view more = syntax::trim_lws(line);
      if (more.empty()) continue;
      HeaderView& h = view.back();
      if (!folded) folded = view.folded_storage(text.size());
      if (!back_is_folded) {
        std::memcpy(folded + folded_used, h.value.data(), h.value.size());
        h.value = std::string_view(folded + folded_used, h.value.size());
        back_is_folded = true;
      }
      char* out = folded + folded_used + h.value.size();
      std::size_t added = 0;
      if (!h.value.empty()) out[added++] = ' ';
      std::memcpy(out + added, more.data(), more.size());
      added += more.size();
      h.value = std::string_view(h.value.data(), h.value.size() + added);
      continue;
    }
    if (back_is_folded) {
      folded_used += view.back().value.size();
      back_is_folded = false;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without colon");
    std::string_view name = syntax::trim_lws(line.substr(0, colon));
    if (!syntax::is_token(name)) return fail(400, "bad header name");
    if (!view.add(HeaderView{name, syntax::trim_lws(line.substr(colon + 1)), header_id(name)}))
      return fail(513, "too many headers");
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

// Fills the request or status line into the view; returns an error otherwise.
std::optional<ParseError> parse_start_line(std::string_view line, MessageView& msg) {
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
    msg.reason = rest.size() > 4 ? rest.substr(4) : std::string_view();
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
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos ||
      sp1 == 0 || sp2 == sp1 + 1)
    return fail(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!syntax::is_token(method)) return fail(400, "bad method");
  msg.method = method;
  msg.request_uri = uri;
  if (!iequals(version, "SIP/2.0")) return fail(505, "version not supported");
  if (!valid_uri_scheme(uri)) return fail(400, "bad Request-URI");
  if (!valid_uri(uri)) return fail(400, "bad Request-URI");
  return std::nullopt;
}

// Content-Length: nullopt when absent; an error when repeated or not a number.
std::variant<std::monostate, std::size_t, ParseError> content_length(const MessageView& view) {
  std::optional<std::size_t> found;
  for (const auto& h : view.headers()) {
    if (h.id != HeaderId::kContentLength) continue;
    // Two lengths leave no way to find the body (RFC 4475 3.3.9).
    if (found) return fail(400, "multiple Content-Length headers");
    auto n = parse_int<std::size_t>(h.value);
    if (!n) return fail(400, "bad Content-Length");
    found = *n;
  }
  if (!found) return std::monostate{};
  return *found;
}

// CSeq "<number> <method>" checked without building a CSeq (parse_cseq's rules), and its
// method against the request's. nullptr when both hold, else the error.
const char* check_cseq(std::string_view value, const MessageView& msg) {
  value = syntax::trim_lws(value);
  std::size_t pos = 0;
  while (pos < value.size() && syntax::is_digit(value[pos])) ++pos;
  if (!parse_int<std::uint32_t>(value.substr(0, pos))) return "bad CSeq";
  std::string_view method = syntax::trim_lws(value.substr(pos));
  if (pos == value.size() || !syntax::is_wsp(value[pos]) || !syntax::is_token(method))
    return "bad CSeq";
  if (msg.request && method != msg.method) return "CSeq method mismatch";
  return nullptr;
}

std::optional<ParseError> validate_headers(const MessageView& msg) {
  // One pass counts the headers the checks below need.
  std::array<std::size_t, 10> seen{};
  for (const auto& h : msg.headers()) ++seen[static_cast<std::size_t>(h.id)];
  auto n = [&](HeaderId id) { return seen[static_cast<std::size_t>(id)]; };
  constexpr std::array<std::pair<HeaderId, std::string_view>, 5> kMandatory = {{
      {HeaderId::kTo, "To"},
      {HeaderId::kFrom, "From"},
      {HeaderId::kCallId, "Call-ID"},
      {HeaderId::kCSeq, "CSeq"},
      {HeaderId::kVia, "Via"},
  }};
  for (auto [id, name] : kMandatory)
    if (n(id) == 0) return fail(400, "missing " + std::string(name));
  // Headers that may appear once only; two of them make the request
  // ambiguous (RFC 4475 3.3.8).
  constexpr std::array<std::pair<HeaderId, std::string_view>, 6> kSingle = {{
      {HeaderId::kTo, "To"},
      {HeaderId::kFrom, "From"},
      {HeaderId::kCallId, "Call-ID"},
      {HeaderId::kCSeq, "CSeq"},
      {HeaderId::kMaxForwards, "Max-Forwards"},
      {HeaderId::kContentType, "Content-Type"},
  }};
  for (auto [id, name] : kSingle)
    if (n(id) > 1) return fail(400, "duplicate " + std::string(name));

  if (!valid_name_addr(*msg.header(HeaderId::kTo))) return fail(400, "bad To");
  if (!valid_name_addr(*msg.header(HeaderId::kFrom))) return fail(400, "bad From");
  if (msg.header(HeaderId::kCallId)->empty()) return fail(400, "empty Call-ID");
  auto cseq = *msg.header(HeaderId::kCSeq);
  if (auto checked = check_cseq(cseq, msg)) return fail(400, checked);
  for (const auto& h : msg.headers())
    if (h.id == HeaderId::kVia && !valid_vias(h.value)) return fail(400, "bad Via");
  if (auto mf = msg.header(HeaderId::kMaxForwards); mf && !parse_int<std::uint32_t>(*mf))
    return fail(400, "bad Max-Forwards");
  return std::nullopt;
}

std::size_t leading_crlf(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && (s[n] == '\r' || s[n] == '\n')) ++n;
  return n;
}

// parse_message_view() without the result's variant: the view is filled in place.
std::optional<ParseError> parse_into(std::string_view bytes, MessageView& view) {
  if (bytes.size() > kMaxMessageBytes) return fail(513, "message too large");
  std::string_view text = bytes.substr(leading_crlf(bytes));
  if (text.empty()) return fail(0, "empty or keep-alive");

  HeadResult head_result = read_head(text, view);
  if (auto* error = std::get_if<ParseError>(&head_result)) return std::move(*error);
  if (std::holds_alternative<std::monostate>(head_result)) {
    MessageView ignored;
    auto first_line = syntax::trim_lws(text.substr(0, text.find('\n')));
    if (auto error = parse_start_line(first_line, ignored)) return std::move(*error);
    return fail(400, "header block not terminated");
  }
  const HeadEnd& head = std::get<HeadEnd>(head_result);

  if (auto error = parse_start_line(head.start_line, view)) {
    if (error->status != 0) error->partial = view.to_message();
    return std::move(*error);
  }

  std::string_view rest = text.substr(head.length);
  auto length = content_length(view);
  if (auto* error = std::get_if<ParseError>(&length)) {
    error->partial = view.to_message();
    return std::move(*error);
  }
  if (auto* n = std::get_if<std::size_t>(&length)) {
    if (rest.size() < *n) return fail_with(view, 400, "body shorter than Content-Length");
    rest = rest.substr(0, *n);  // extra bytes after a datagram's body are ignored
  }
  view.body = rest;

  if (auto error = validate_headers(view)) {
    error->partial = view.to_message();
    return std::move(*error);
  }
  return std::nullopt;
}

}  // namespace

std::variant<MessageView, ParseError> parse_message_view(std::string_view bytes) {
  // One named result, so it is built in the caller's storage rather than moved there.
  std::variant<MessageView, ParseError> result(std::in_place_type<MessageView>);
  if (auto error = parse_into(bytes, std::get<MessageView>(result))) result = std::move(*error);
  return result;
}

ParseResult parse_message(std::string_view bytes) {
  MessageView view;
  if (auto error = parse_into(bytes, view)) return std::move(*error);
  return view.to_message();
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

  MessageView view;
  HeadResult head_result = read_head(text, view);
  if (auto* error = std::get_if<ParseError>(&head_result)) return std::move(*error);
  if (std::holds_alternative<std::monostate>(head_result)) return keepalive_or_wait();
  const HeadEnd& head = std::get<HeadEnd>(head_result);

  // Only bytes that are not SIP at all break the stream; other start-line
  // errors are framed normally so the receiver can answer them (e.g. 505).
  MessageView ignored;
  if (auto error = parse_start_line(head.start_line, ignored); error && error->status == 0)
    return std::move(*error);

  std::size_t body = 0;
  auto length = content_length(view);
  if (auto* error = std::get_if<ParseError>(&length)) return std::move(*error);
  if (auto* n = std::get_if<std::size_t>(&length)) body = *n;
  if (body > kMaxMessageBytes || head.length + body > kMaxMessageBytes)
    return fail(513, "message too large");
  if (text.size() < head.length + body) return keepalive_or_wait();
  return Frame{skip, head.length + body};
}

}  // namespace keyline::sip
