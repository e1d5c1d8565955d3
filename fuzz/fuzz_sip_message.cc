// libFuzzer target: whole SIP messages as they arrive (datagram or stream).
// Parsing must never crash, and a parsed message must serialize and parse
// again (the serializer's output is ours, so it must be valid).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "sip/message.h"
#include "sip/transport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = keyline::sip::parse_message(bytes);
  if (auto* message = std::get_if<keyline::sip::Message>(&parsed)) {
    std::string again = message->serialize();
    auto reparsed = keyline::sip::parse_message(again);
    if (!std::holds_alternative<keyline::sip::Message>(reparsed)) __builtin_trap();
    if (message->is_request() && message->method != "ACK")
      (void)keyline::sip::make_response(*message, 400).serialize();
  }
  (void)keyline::sip::error_response_for_unparsable(bytes, 400);
  // The same bytes as a TCP stream.
  auto framed = keyline::sip::frame_stream(bytes);
  if (auto* frame = std::get_if<keyline::sip::Frame>(&framed)) {
    if (frame->skip + frame->length > bytes.size()) __builtin_trap();
    (void)keyline::sip::parse_message(bytes.substr(frame->skip, frame->length));
  }
  return 0;
}
