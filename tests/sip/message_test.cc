#include "sip/message.h"

#include <gtest/gtest.h>

#include <random>

namespace keyline::sip {
namespace {

constexpr std::string_view kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: \"Alice \\\"A\\\"\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@pc33.atlanta.example.com>, <sip:alice@[2001:db8::1]:5070>;q=0.5\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

const Message& expect_message(const ParseResult& result) {
  static const Message empty;
  if (auto* error = std::get_if<ParseError>(&result)) {
    ADD_FAILURE() << "parse failed: " << error->status << " " << error->reason;
    return empty;
  }
  return std::get<Message>(result);
}

int error_status(const ParseResult& result) {
  if (auto* error = std::get_if<ParseError>(&result)) return error->status;
  return -1;  // parsed
}

std::string replace(std::string text, std::string_view from, std::string_view to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

TEST(MessageTest, ParsesRequest) {
  auto result = parse_message(kInvite);
  const Message& msg = expect_message(result);
  EXPECT_TRUE(msg.is_request());
  EXPECT_EQ(msg.method, "INVITE");
  EXPECT_EQ(msg.request_uri, "sip:bob@biloxi.example.com");
  EXPECT_EQ(msg.headers.size(), 9u);
  EXPECT_EQ(msg.header("call-id"), "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(msg.header("i"), msg.header("Call-ID"));
  EXPECT_EQ(msg.body, "v=0\n");
  auto contacts = msg.header_values("m");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[1], "<sip:alice@[2001:db8::1]:5070>;q=0.5");
  auto from = parse_name_addr(*msg.header("From"));
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->display_name, "Alice \"A\"");
  EXPECT_EQ(from->tag(), "1928301774");
}

TEST(MessageTest, RoundTripParseSerializeParse) {
  auto first = parse_message(kInvite);
  const Message& msg = expect_message(first);
  std::string wire = msg.serialize();
  EXPECT_EQ(wire, kInvite);  // already canonical, so byte-identical
  auto second = parse_message(wire);
  const Message& again = expect_message(second);
  EXPECT_EQ(again.serialize(), wire);
  EXPECT_EQ(again.body, msg.body);
}

TEST(MessageTest, ParsesResponse) {
  auto result = parse_message(
      "SIP/2.0 180 Ringing\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
      "To: <sip:b@example.com>;tag=xyz\r\n"
      "From: <sip:a@example.com>;tag=abc\r\n"
      "Call-ID: c1\r\n"
      "CSeq: 1 INVITE\r\n"
      "Content-Length: 0\r\n\r\n");
  const Message& msg = expect_message(result);
  EXPECT_FALSE(msg.is_request());
  EXPECT_EQ(msg.status, 180);
  EXPECT_EQ(msg.reason, "Ringing");
}

TEST(MessageTest, CompactHeadersAndFolding) {
  auto result = parse_message(
      "OPTIONS sip:u@example.com SIP/2.0\r\n"
      "v: SIP/2.0/TCP h1.example.com;branch=z9hG4bK1,\r\n"
      "  SIP/2.0/UDP [2001:db8::2]:5062;branch=z9hG4bK2\r\n"
      "V: SIP/2.0/UDP h3.example.com\r\n"
      "\t;branch=z9hG4bK3\r\n"
      "t: sip:u@example.com\r\n"
      "f: sip:c@example.com;tag=1\r\n"
      "i: compact-1\r\n"
      "CSeq: 7\r\n"
      "   OPTIONS\r\n"
      "k: timer, 100rel\r\n"
      "l: 0\r\n\r\n");
  const Message& msg = expect_message(result);
  EXPECT_EQ(msg.header("Call-ID"), "compact-1");
  EXPECT_EQ(msg.header("CSeq"), "7 OPTIONS");
  EXPECT_EQ(msg.header("Via"),
            "SIP/2.0/TCP h1.example.com;branch=z9hG4bK1, SIP/2.0/UDP "
            "[2001:db8::2]:5062;branch=z9hG4bK2");
  auto vias = msg.header_values("Via");
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[2], "SIP/2.0/UDP h3.example.com ;branch=z9hG4bK3");
  auto second = parse_vias(vias[1]);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->front().host, "2001:db8::2");
  EXPECT_EQ(second->front().port, 5062);
  auto supported = msg.header_values("Supported");
  ASSERT_EQ(supported.size(), 2u);
  EXPECT_EQ(supported[1], "100rel");
}

TEST(MessageTest, HeaderValuesHonourQuotesAndAngles) {
  Message msg;
  msg.add_header("Contact", "\"Doe, John\" <sip:j@example.com;x=a,b>, <sip:k@example.com>");
  msg.add_header("To", "\"a, b\" <sip:t@example.com>");
  auto contacts = msg.header_values("Contact");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[0], "\"Doe, John\" <sip:j@example.com;x=a,b>");
  // To is not a list header: never split.
  EXPECT_EQ(msg.header_values("t").size(), 1u);
}

TEST(MessageTest, SetAndRemoveHeader) {
  Message msg;
  msg.add_header("Via", "SIP/2.0/UDP a");
  msg.add_header("To", "<sip:x@y>");
  msg.add_header("v", "SIP/2.0/UDP b");
  msg.set_header("VIA", "SIP/2.0/UDP c");
  ASSERT_EQ(msg.headers.size(), 2u);
  EXPECT_EQ(msg.headers[0].value, "SIP/2.0/UDP c");
  msg.set_header("Subject", "hi");
  EXPECT_EQ(msg.header("s"), "hi");
  msg.remove_header("via");
  EXPECT_FALSE(msg.header("Via").has_value());
  EXPECT_EQ(msg.headers.size(), 2u);
}

TEST(MessageTest, SerializeRecomputesContentLength) {
  Message msg;
  msg.method = "MESSAGE";
  msg.request_uri = "sip:a@b";
  msg.add_header("l", "999");
  msg.add_header("Content-Length", "5");
  msg.add_header("Call-ID", "x");
  msg.body = "hello";
  EXPECT_EQ(msg.serialize(),
            "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5\r\nCall-ID: x\r\n\r\nhello");
}

TEST(MessageTest, BadVersionIs505) {
  auto text = replace(std::string(kInvite), "SIP/2.0\r\n", "SIP/3.0\r\n");
  auto result = parse_message(text);
  EXPECT_EQ(error_status(result), 505);
  // The headers are kept so the 505 can be built.
  const auto& error = std::get<ParseError>(result);
  ASSERT_TRUE(error.partial.has_value());
  Message response = make_response(*error.partial, 505, "");
  EXPECT_EQ(response.header("Call-ID"), "a84b4c76e66710@pc33.atlanta.example.com");
}

TEST(MessageTest, MissingMandatoryHeadersAre400) {
  for (std::string_view line :
       {"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n", "CSeq: 314159 INVITE\r\n",
        "To: Bob <sip:bob@biloxi.example.com>\r\n",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"}) {
    auto text = replace(std::string(kInvite), line, "");
    EXPECT_EQ(error_status(parse_message(text)), 400) << line;
  }
  // Max-Forwards is optional (RFC 2543 peers omit it).
  auto text = replace(std::string(kInvite), "Max-Forwards: 70\r\n", "");
  EXPECT_EQ(error_status(parse_message(text)), -1);
}

TEST(MessageTest, ContentLengthChecks) {
  // Shorter body than declared.
  auto shorter = replace(std::string(kInvite), "Content-Length: 4", "Content-Length: 40");
  EXPECT_EQ(error_status(parse_message(shorter)), 400);
  // Longer body: truncated (RFC 3261 18.3).
  auto longer = parse_message(std::string(kInvite) + "garbage");
  EXPECT_EQ(expect_message(longer).body, "v=0\n");
  // Negative / non-numeric.
  auto negative = replace(std::string(kInvite), "Content-Length: 4", "Content-Length: -4");
  EXPECT_EQ(error_status(parse_message(negative)), 400);
  // No Content-Length on a datagram: the rest is the body.
  auto none = parse_message(replace(std::string(kInvite), "Content-Length: 4\r\n", ""));
  EXPECT_EQ(expect_message(none).body, "v=0\n");
}

TEST(MessageTest, CSeqMethodMismatchIs400) {
  auto text = replace(std::string(kInvite), "CSeq: 314159 INVITE", "CSeq: 314159 OPTIONS");
  EXPECT_EQ(error_status(parse_message(text)), 400);
}

TEST(MessageTest, StartLineErrors) {
  EXPECT_EQ(error_status(parse_message("")), 0);
  EXPECT_EQ(error_status(parse_message("\r\n\r\n")), 0);
  EXPECT_EQ(error_status(parse_message("GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 0);
  EXPECT_EQ(error_status(parse_message("\x16\x03\x01\x02\x00\x01")), 0);
  auto lws = replace(std::string(kInvite), "INVITE sip:bob", "INVITE  sip:bob");
  EXPECT_EQ(error_status(parse_message(lws)), 400);
  auto uri = replace(std::string(kInvite), "sip:bob@biloxi.example.com SIP", "<sip:bob@b> SIP");
  EXPECT_EQ(error_status(parse_message(uri)), 400);
  // Header block never terminated.
  EXPECT_EQ(error_status(parse_message("OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\n")), 400);
}

TEST(MessageTest, Limits) {
  std::string many(kInvite.substr(0, kInvite.find("\r\n\r\n") + 2));
  for (int i = 0; i < 250; ++i) many += "X-Pad: " + std::to_string(i) + "\r\n";
  many += "\r\nv=0\n";
  EXPECT_EQ(error_status(parse_message(many)), 513);

  std::string long_line = replace(std::string(kInvite), "Max-Forwards: 70",
                                  "X-Long: " + std::string(9000, 'a') + "\r\nMax-Forwards: 70");
  EXPECT_EQ(error_status(parse_message(long_line)), 513);

  std::string huge = std::string(kInvite) + std::string(70 * 1024, 'x');
  EXPECT_EQ(error_status(parse_message(huge)), 513);
}

TEST(MessageTest, GarbageNeverCrashes) {
  std::mt19937 rng(1234);
  const std::string seed(kInvite);
  for (int i = 0; i < 3000; ++i) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[pos] = static_cast<char>(rng() & 0xff);
          break;
        case 1:
          text.erase(pos, 1 + rng() % 16);
          break;
        case 2:
          text.insert(pos, std::string(1 + rng() % 4, "\r\n:;<>\",@ \t"[rng() % 11]));
          break;
        default:
          text.resize(pos);
          break;
      }
      if (text.empty()) text = "x";
    }
    auto result = parse_message(text);
    if (auto* msg = std::get_if<Message>(&result)) {
      // Whatever parses must serialize and parse again.
      auto again = parse_message(msg->serialize());
      EXPECT_TRUE(std::holds_alternative<Message>(again)) << msg->serialize();
    }
    (void)frame_stream(text);
  }
  std::string random(512, '\0');
  for (int i = 0; i < 500; ++i) {
    for (auto& c : random) c = static_cast<char>(rng() & 0xff);
    (void)parse_message(random);
    (void)frame_stream(random);
  }
}

TEST(MakeResponseTest, CopiesDialogHeadersAndAddsTag) {
  auto parsed = parse_message(
      "INVITE sip:ivr@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1\r\n"
      "v: SIP/2.0/UDP phone.example.com;branch=z9hG4bKu1;rport\r\n"
      "f: sip:alice@example.com;tag=a1\r\n"
      "t: sip:ivr@example.com\r\n"
      "i: call-1\r\n"
      "CSeq: 2 INVITE\r\n"
      "Subject: x\r\n"
      "l: 0\r\n\r\n");
  const Message& invite = expect_message(parsed);
  Message ok = make_response(invite, 200, "OK", "srv9");
  EXPECT_FALSE(ok.is_request());
  EXPECT_EQ(ok.status, 200);
  auto vias = ok.header_values("Via");
  ASSERT_EQ(vias.size(), 2u);
  EXPECT_EQ(vias[1], "SIP/2.0/UDP phone.example.com;branch=z9hG4bKu1;rport");
  EXPECT_EQ(ok.header("From"), "sip:alice@example.com;tag=a1");
  auto to = parse_name_addr(*ok.header("To"));
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(to->tag(), "srv9");
  EXPECT_TRUE(to->uri.params.empty());
  EXPECT_EQ(ok.header("Call-ID"), "call-1");
  EXPECT_EQ(ok.header("CSeq"), "2 INVITE");
  EXPECT_FALSE(ok.header("Subject").has_value());
  // The serialized response is itself a valid message.
  auto wire = ok.serialize();
  EXPECT_NE(wire.find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_EQ(wire.rfind("SIP/2.0 200 OK\r\n", 0), 0u);
  auto reparsed = parse_message(wire);
  EXPECT_EQ(expect_message(reparsed).status, 200);
}

TEST(MakeResponseTest, KeepsExistingToTagAndDefaultsReason) {
  auto parsed = parse_message(
      "BYE sip:ivr@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/TCP phone.example.com;branch=z9hG4bKu2\r\n"
      "From: <sip:alice@example.com>;tag=a1\r\n"
      "To: <sip:ivr@example.com>;tag=srv9\r\n"
      "Call-ID: call-1\r\n"
      "CSeq: 3 BYE\r\n\r\n");
  Message response = make_response(expect_message(parsed), 481, "", "other");
  EXPECT_EQ(response.reason, "Call/Transaction Does Not Exist");
  EXPECT_EQ(response.header("To"), "<sip:ivr@example.com>;tag=srv9");
}

TEST(DefaultReasonTest, KnownAndUnknownCodes) {
  EXPECT_EQ(default_reason(100), "Trying");
  EXPECT_EQ(default_reason(180), "Ringing");
  EXPECT_EQ(default_reason(200), "OK");
  EXPECT_EQ(default_reason(400), "Bad Request");
  EXPECT_EQ(default_reason(405), "Method Not Allowed");
  EXPECT_EQ(default_reason(486), "Busy Here");
  EXPECT_EQ(default_reason(487), "Request Terminated");
  EXPECT_EQ(default_reason(488), "Not Acceptable Here");
  EXPECT_EQ(default_reason(500), "Server Internal Error");
  EXPECT_EQ(default_reason(501), "Not Implemented");
  EXPECT_EQ(default_reason(505), "Version Not Supported");
  EXPECT_EQ(default_reason(499), "Client Error");
}

}  // namespace
}  // namespace keyline::sip
