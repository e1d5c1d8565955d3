// MessageView's accessors and its conversion to the owning Message. Parsing is in parser.cc.
#include "sip/message_view.h"

#include <string>

#include "base/strings.h"

namespace keyline::sip {
HeaderId header_id(std::string_view name) {
  // Called for every received header: the length and first letter pick the one candidate
  // before any comparison.
  auto is = [&](std::string_view full, HeaderId id) {
    return iequals(name, full) ? id : HeaderId::kOther;
  };
  switch (name.size()) {
    case 1:
      switch (ascii_lower(name[0])) {
        case 'v':
          return HeaderId::kVia;
        case 'f':
          return HeaderId::kFrom;
        case 't':
          return HeaderId::kTo;
        case 'i':
          return HeaderId::kCallId;
        case 'l':
          return HeaderId::kContentLength;
        case 'c':
          return HeaderId::kContentType;
        case 'm':
          return HeaderId::kContact;
        default:
          return HeaderId::kOther;
      }
    case 2:
      return is("To", HeaderId::kTo);
    case 3:
      return is("Via", HeaderId::kVia);
    case 4:
      return ascii_lower(name[0]) == 'f' ? is("From", HeaderId::kFrom)
                                         : is("CSeq", HeaderId::kCSeq);
    case 7:
      return ascii_lower(name[2]) == 'l' ? is("Call-ID", HeaderId::kCallId)
                                         : is("Contact", HeaderId::kContact);
    case 12:
      return ascii_lower(name[0]) == 'm' ? is("Max-Forwards", HeaderId::kMaxForwards)
                                         : is("Content-Type", HeaderId::kContentType);
    case 14:
      return is("Content-Length", HeaderId::kContentLength);
    default:
      return HeaderId::kOther;
  }
}

MessageView::MessageView(MessageView&&) noexcept = default;
MessageView& MessageView::operator=(MessageView&&) noexcept = default;

std::span<const HeaderView> MessageView::headers() const {
  if (!spilled_.empty()) return spilled_;
  return std::span<const HeaderView>(inline_.data(), inline_count_);
}

std::optional<std::string_view> MessageView::header(HeaderId id) const {
  for (const auto& h : headers())
    if (h.id == id) return h.value;
  return std::nullopt;
}

std::optional<std::string_view> MessageView::header(std::string_view name) const {
  HeaderId id = header_id(name);
  if (id != HeaderId::kOther) return header(id);
  for (const auto& h : headers())
    if (h.id == HeaderId::kOther && header_name_equals(h.name, name)) return h.value;
  return std::nullopt;
}

std::size_t MessageView::count(HeaderId id) const {
  std::size_t n = 0;
  for (const auto& h : headers())
    if (h.id == id) ++n;
  return n;
}

bool MessageView::add(HeaderView header) {
  std::size_t n = spilled_.empty() ? inline_count_ : spilled_.size();
  if (n >= kMaxHeaders) return false;
  if (spilled_.empty() && inline_count_ < kInline) {
    inline_[inline_count_++] = header;
    return true;
  }
  if (spilled_.empty()) spilled_.assign(inline_.begin(), inline_.begin() + inline_count_);
  spilled_.push_back(header);
  return true;
}

HeaderView& MessageView::back() {
  return spilled_.empty() ? inline_[inline_count_ - 1] : spilled_.back();
}

char* MessageView::folded_storage(std::size_t bytes) {
  if (!folded_) folded_ = std::make_unique<char[]>(bytes);
  return folded_.get();
}

Message MessageView::to_message() const {
  Message m;
  m.request = request;
  m.method = std::string(method);
  m.request_uri = std::string(request_uri);
  m.status = status;
  m.reason = std::string(reason);
  auto all = headers();
  m.headers.reserve(all.size() + 4);  // room for the few a response or proxy adds
  for (const auto& h : all) m.headers.push_back(Header{std::string(h.name), std::string(h.value)});
  m.body = std::string(body);
  return m;
}

}  // namespace keyline::sip
