// A parsed SIP message that copies nothing: the start line, headers and body are views into
// the receive buffer (RFC 3261 7). Only folded header values (continuation lines, RFC 3261
// 7.3.1) are joined into storage the view owns. The view is what the parser builds first;
// Message (message.h) is the owning, editable form made from it with to_message().
//
// The buffer must outlive the view. A view can be moved but not copied: its folded values
// live in its own storage.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "sip/message.h"

namespace keyline::sip {

// The headers the message layer itself looks at, so checks compare a byte instead of names.
enum class HeaderId : std::uint8_t {
  kOther,
  kVia,
  kFrom,
  kTo,
  kCallId,
  kCSeq,
  kContentLength,
  kContentType,
  kMaxForwards,
  kContact,
};

// Case-insensitive, compact forms included ("v", "VIA" and "Via" are all kVia).
HeaderId header_id(std::string_view name);

struct HeaderView {
  std::string_view name;   // as received
  std::string_view value;  // trimmed; continuation lines joined with one space
  HeaderId id = HeaderId::kOther;
};

class MessageView {
 public:
  MessageView() = default;
  MessageView(MessageView&&) noexcept;
  MessageView& operator=(MessageView&&) noexcept;
  MessageView(const MessageView&) = delete;
  MessageView& operator=(const MessageView&) = delete;

  bool request = true;
  std::string_view method;
  std::string_view request_uri;
  int status = 0;
  std::string_view reason;
  std::string_view body;

  std::span<const HeaderView> headers() const;
  // First header with that id or name (case-insensitive, compact forms equivalent).
  std::optional<std::string_view> header(HeaderId id) const;
  std::optional<std::string_view> header(std::string_view name) const;
  std::size_t count(HeaderId id) const;

  // The owning form, with every header in order.
  Message to_message() const;

  // For the parser: appends a header (false when kMaxHeaders are already there); the storage
  // for joined continuation lines is allocated once, on the first call, with `bytes` (the
  // header block's size bounds every joined value).
  bool add(HeaderView header);
  HeaderView& back();
  char* folded_storage(std::size_t bytes);

 private:
  // A typical INVITE has 10-16 headers: those stay inline (a bigger array costs every move of
  // the view); more spill into `spilled_`.
  static constexpr std::size_t kInline = 16;
  std::array<HeaderView, kInline> inline_{};
  std::size_t inline_count_ = 0;
  std::vector<HeaderView> spilled_;  // every header once there are more than kInline
  std::unique_ptr<char[]> folded_;
};

// Parses one complete datagram or framed stream message without copying it. The checks and
// errors are exactly parse_message()'s (message.h), which is this plus to_message().
std::variant<MessageView, ParseError> parse_message_view(std::string_view bytes);

}  // namespace keyline::sip
