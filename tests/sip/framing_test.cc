#include <gtest/gtest.h>

#include "sip/message.h"

namespace keyline::sip {
namespace {

constexpr std::string_view kOptions =
    "OPTIONS sip:ivr@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP phone.example.com;branch=z9hG4bK1\r\n"
    "From: <sip:a@example.com>;tag=1\r\n"
    "To: <sip:ivr@example.com>\r\n"
    "Call-ID: f1\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

constexpr std::string_view kBye =
    "BYE sip:ivr@example.com SIP/2.0\r\n"
    "v: SIP/2.0/TCP phone.example.com;branch=z9hG4bK2\r\n"
    "f: <sip:a@example.com>;tag=1\r\n"
    "t: <sip:ivr@example.com>;tag=2\r\n"
    "i: f1\r\n"
    "CSeq: 2 BYE\r\n"
    "l: 0\r\n"
    "\r\n";

Frame expect_frame(const std::variant<std::monostate, Frame, ParseError>& r) {
  if (auto* f = std::get_if<Frame>(&r)) return *f;
  ADD_FAILURE() << "expected a frame, got index " << r.index();
  return {};
}

TEST(FrameStreamTest, TwoMessagesInOneBuffer) {
  std::string buffer = std::string(kOptions) + std::string(kBye);
  Frame first = expect_frame(frame_stream(buffer));
  EXPECT_EQ(first.skip, 0u);
  EXPECT_EQ(first.length, kOptions.size());
  auto msg = parse_message(std::string_view(buffer).substr(first.skip, first.length));
  ASSERT_TRUE(std::holds_alternative<Message>(msg));
  EXPECT_EQ(std::get<Message>(msg).body, "hello");

  std::string_view rest = std::string_view(buffer).substr(first.skip + first.length);
  Frame second = expect_frame(frame_stream(rest));
  EXPECT_EQ(second.length, kBye.size());
  auto bye = parse_message(rest.substr(second.skip, second.length));
  ASSERT_TRUE(std::holds_alternative<Message>(bye));
  EXPECT_EQ(std::get<Message>(bye).method, "BYE");
}

TEST(FrameStreamTest, PartialMessageNeedsMore) {
  // Every strict prefix is incomplete; the full message is one frame.
  for (std::size_t n = 1; n < kOptions.size(); ++n) {
    auto r = frame_stream(kOptions.substr(0, n));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(r)) << n;
  }
  EXPECT_EQ(expect_frame(frame_stream(kOptions)).length, kOptions.size());
}

TEST(FrameStreamTest, KeepAlivesAreSkipped) {
  Frame ping = expect_frame(frame_stream("\r\n\r\n"));
  EXPECT_EQ(ping.skip, 4u);
  EXPECT_EQ(ping.length, 0u);

  std::string buffer = "\r\n\r\n" + std::string(kBye);
  Frame f = expect_frame(frame_stream(buffer));
  EXPECT_EQ(f.skip, 4u);
  EXPECT_EQ(f.length, kBye.size());

  // Keep-alive followed by an incomplete message: consume the keep-alive now.
  Frame partial = expect_frame(frame_stream("\r\n" + std::string(kBye.substr(0, 20))));
  EXPECT_EQ(partial.skip, 2u);
  EXPECT_EQ(partial.length, 0u);

  EXPECT_TRUE(std::holds_alternative<std::monostate>(frame_stream("")));
}

TEST(FrameStreamTest, MissingContentLengthMeansNoBody) {
  std::string text(kBye);
  text.erase(text.find("l: 0\r\n"), 6);
  Frame f = expect_frame(frame_stream(text + "INVITE"));
  EXPECT_EQ(f.length, text.size());
}

TEST(FrameStreamTest, BrokenHeadersAreErrors) {
  auto not_sip = frame_stream("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(std::holds_alternative<ParseError>(not_sip));
  EXPECT_EQ(std::get<ParseError>(not_sip).status, 0);

  std::string bad_length(kBye);
  bad_length.replace(bad_length.find("l: 0"), 4, "l: x");
  EXPECT_TRUE(std::holds_alternative<ParseError>(frame_stream(bad_length)));

  std::string too_big(kBye);
  too_big.replace(too_big.find("l: 0"), 4, "l: 100000");
  auto big = frame_stream(too_big);
  ASSERT_TRUE(std::holds_alternative<ParseError>(big));
  EXPECT_EQ(std::get<ParseError>(big).status, 513);

  // A header block that never ends and exceeds the limit.
  std::string endless = "OPTIONS sip:a@b SIP/2.0\r\n";
  while (endless.size() <= kMaxMessageBytes) endless += "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  EXPECT_TRUE(std::holds_alternative<ParseError>(frame_stream(endless)));

  // A single line longer than the line limit, still without newline.
  std::string long_line = "OPTIONS sip:a@b SIP/2.0\r\nX: " + std::string(kMaxLineBytes + 1, 'a');
  EXPECT_TRUE(std::holds_alternative<ParseError>(frame_stream(long_line)));
}

TEST(FrameStreamTest, BadVersionStillFramedForA505) {
  std::string text(kBye);
  text.replace(text.find("SIP/2.0\r\n"), 7, "SIP/3.0");
  Frame f = expect_frame(frame_stream(text));
  EXPECT_EQ(f.length, text.size());
}

}  // namespace
}  // namespace keyline::sip
