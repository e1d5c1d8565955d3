// The zero-copy view: values point into the received bytes, folded values into the view's
// own storage, and the view survives moves and headers beyond its inline capacity.
#include "sip/message_view.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace keyline::sip {
namespace {

const std::string kOptions =
    "OPTIONS sip:u@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP h1.example.com;branch=z9hG4bK1\r\n"
    "t: <sip:u@example.com>\r\n"
    "From: <sip:c@example.com>;tag=1\r\n"
    "Call-ID: view-1\r\n"
    "CSeq: 7\r\n"
    "   OPTIONS\r\n"
    "Subject: a\r\n"
    "\t long\r\n"
    "  subject\r\n"
    "X-Plain: plain\r\n"
    "Content-Length: 4\r\n\r\n"
    "body";

bool points_into(std::string_view part, const std::string& buffer) {
  return part.data() >= buffer.data() && part.data() + part.size() <= buffer.data() + buffer.size();
}

TEST(MessageViewTest, ValuesAreViewsIntoTheBuffer) {
  auto parsed = parse_message_view(kOptions);
  ASSERT_TRUE(std::holds_alternative<MessageView>(parsed));
  const auto& view = std::get<MessageView>(parsed);
  EXPECT_EQ(view.method, "OPTIONS");
  EXPECT_TRUE(points_into(view.method, kOptions));
  EXPECT_TRUE(points_into(view.request_uri, kOptions));
  EXPECT_TRUE(points_into(*view.header(HeaderId::kCallId), kOptions));
  EXPECT_TRUE(points_into(*view.header("x-plain"), kOptions));
  EXPECT_EQ(view.body, "body");
  EXPECT_TRUE(points_into(view.body, kOptions));
  EXPECT_EQ(view.header("To"), "<sip:u@example.com>");  // compact "t" found by full name
  EXPECT_EQ(view.count(HeaderId::kTo), 1u);
}

TEST(MessageViewTest, FoldedValuesAreJoinedAndSurviveAMove) {
  auto parsed = parse_message_view(kOptions);
  ASSERT_TRUE(std::holds_alternative<MessageView>(parsed));
  MessageView view = std::move(std::get<MessageView>(parsed));
  MessageView moved = std::move(view);
  EXPECT_EQ(moved.header(HeaderId::kCSeq), "7 OPTIONS");
  EXPECT_EQ(moved.header("Subject"), "a long subject");
  EXPECT_FALSE(points_into(*moved.header("Subject"), kOptions));
  EXPECT_EQ(moved.header("X-Plain"), "plain");  // the header after the folded one
}

TEST(MessageViewTest, ManyHeadersSpillPastTheInlineOnes) {
  std::string bytes =
      "OPTIONS sip:u@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP h1.example.com;branch=z9hG4bK1\r\n"
      "To: <sip:u@example.com>\r\nFrom: <sip:c@example.com>;tag=1\r\n"
      "Call-ID: many\r\nCSeq: 1 OPTIONS\r\n";
  for (int i = 0; i < 100; ++i)
    bytes += "X-H" + std::to_string(i) + ": v" + std::to_string(i) + "\r\n";
  bytes += "Content-Length: 0\r\n\r\n";
  auto parsed = parse_message_view(bytes);
  ASSERT_TRUE(std::holds_alternative<MessageView>(parsed));
  const auto& view = std::get<MessageView>(parsed);
  ASSERT_EQ(view.headers().size(), 106u);
  EXPECT_EQ(view.header("X-H0"), "v0");
  EXPECT_EQ(view.header("X-H99"), "v99");
  EXPECT_EQ(view.headers().back().id, HeaderId::kContentLength);
}

TEST(MessageViewTest, ToMessageKeepsEveryHeaderInOrder) {
  auto parsed = parse_message_view(kOptions);
  ASSERT_TRUE(std::holds_alternative<MessageView>(parsed));
  Message m = std::get<MessageView>(parsed).to_message();
  ASSERT_EQ(m.headers.size(), 8u);
  EXPECT_EQ(m.headers[1].name, "t");
  EXPECT_EQ(m.headers[5].value, "a long subject");
  EXPECT_EQ(m.body, "body");
  EXPECT_EQ(m.method, "OPTIONS");
}

TEST(MessageViewTest, ErrorsCarryThePartialMessage) {
  auto parsed = parse_message_view(
      "INVITE sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
      "To: <sip:u@example.com>\r\nFrom: <sip:c@example.com>;tag=1\r\n"
      "Call-ID: x\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(std::holds_alternative<ParseError>(parsed));
  const auto& error = std::get<ParseError>(parsed);
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.reason, "CSeq method mismatch");
  ASSERT_TRUE(error.partial.has_value());
  EXPECT_EQ(error.partial->header("Call-ID"), "x");
}

TEST(HeaderIdTest, CompactAndCaseInsensitive) {
  EXPECT_EQ(header_id("v"), HeaderId::kVia);
  EXPECT_EQ(header_id("VIA"), HeaderId::kVia);
  EXPECT_EQ(header_id("i"), HeaderId::kCallId);
  EXPECT_EQ(header_id("l"), HeaderId::kContentLength);
  EXPECT_EQ(header_id("content-type"), HeaderId::kContentType);
  EXPECT_EQ(header_id("X-Via"), HeaderId::kOther);
}

}  // namespace
}  // namespace keyline::sip
