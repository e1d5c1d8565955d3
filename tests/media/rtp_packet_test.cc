#include "media/rtp_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace keyline::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes header(std::uint8_t first_byte) {
  return {first_byte, 0x80 | 8, 0x12, 0x34, 0, 0, 0x01, 0x00, 0xDE, 0xAD, 0xBE, 0xEF};
}

TEST(RtpPacket, WriteParseRoundTrip) {
  const RtpHeader h{96, true, 0xBEEF, 0x01020304, 0xCAFEBABE};
  const Bytes payload = {1, 2, 3, 4, 5};
  Bytes out(64);
  const std::size_t n = write_rtp(h, payload, out);
  ASSERT_EQ(n, 17u);
  EXPECT_EQ(out[0], 0x80);
  EXPECT_EQ(out[1], 0x80 | 96);

  auto v = parse_rtp(std::span(out).first(n));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->header.payload_type, 96);
  EXPECT_TRUE(v->header.marker);
  EXPECT_EQ(v->header.sequence, 0xBEEF);
  EXPECT_EQ(v->header.timestamp, 0x01020304u);
  EXPECT_EQ(v->header.ssrc, 0xCAFEBABEu);
  EXPECT_EQ(Bytes(v->payload.begin(), v->payload.end()), payload);
}

TEST(RtpPacket, WriteFailsWhenOutputTooSmall) {
  const Bytes payload(160, 0xFF);
  Bytes out(171);
  EXPECT_EQ(write_rtp(RtpHeader{}, payload, out), 0u);
  out.resize(172);
  EXPECT_EQ(write_rtp(RtpHeader{}, payload, out), 172u);
}

TEST(RtpPacket, FieldsFromFixedHeader) {
  Bytes p = header(0x80);
  p.push_back(0xAA);
  auto v = parse_rtp(p);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->header.payload_type, 8);
  EXPECT_TRUE(v->header.marker);
  EXPECT_EQ(v->header.sequence, 0x1234);
  EXPECT_EQ(v->header.timestamp, 0x100u);
  EXPECT_EQ(v->header.ssrc, 0xDEADBEEFu);
  ASSERT_EQ(v->payload.size(), 1u);
  EXPECT_EQ(v->payload[0], 0xAA);
}

TEST(RtpPacket, RejectsBadVersion) {
  for (std::uint8_t b0 : {0x00, 0x40, 0xC0}) {
    auto v = parse_rtp(header(b0));
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().kind, "parse");
  }
}

TEST(RtpPacket, RejectsShortPacket) {
  Bytes p = header(0x80);
  p.pop_back();
  EXPECT_FALSE(parse_rtp(p).ok());
  EXPECT_FALSE(parse_rtp({}).ok());
}

TEST(RtpPacket, EmptyPayloadIsValid) {
  auto v = parse_rtp(header(0x80));
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->payload.empty());
}

TEST(RtpPacket, SkipsCsrcExtensionAndStripsPadding) {
  // V=2, P=1, X=1, CC=2
  Bytes p = header(0x80 | 0x20 | 0x10 | 2);
  for (int i = 0; i < 8; ++i) p.push_back(0xC0);  // two CSRCs
  p.insert(p.end(), {0xBE, 0xDE, 0x00, 0x01});    // extension: 1 word
  p.insert(p.end(), {0xE0, 0xE1, 0xE2, 0xE3});
  p.insert(p.end(), {7, 8, 9});  // payload
  p.insert(p.end(), {0, 0, 3});  // 3 bytes of padding
  auto v = parse_rtp(p);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(Bytes(v->payload.begin(), v->payload.end()), (Bytes{7, 8, 9}));
}

TEST(RtpPacket, RejectsTruncatedCsrcAndExtension) {
  Bytes csrc = header(0x80 | 3);
  csrc.resize(csrc.size() + 8);  // room for 2 of 3 CSRCs
  EXPECT_FALSE(parse_rtp(csrc).ok());

  Bytes ext_hdr = header(0x90);
  ext_hdr.insert(ext_hdr.end(), {0xBE, 0xDE});  // half an extension header
  EXPECT_FALSE(parse_rtp(ext_hdr).ok());

  Bytes ext = header(0x90);
  ext.insert(ext.end(), {0xBE, 0xDE, 0x00, 0x02, 1, 2, 3, 4});  // 1 of 2 words
  EXPECT_FALSE(parse_rtp(ext).ok());
}

TEST(RtpPacket, RejectsBadPadding) {
  Bytes zero = header(0xA0);
  zero.insert(zero.end(), {1, 2, 0});
  EXPECT_FALSE(parse_rtp(zero).ok());

  Bytes too_long = header(0xA0);
  too_long.insert(too_long.end(), {1, 2, 4});  // 4 > 3 bytes after header
  EXPECT_FALSE(parse_rtp(too_long).ok());

  Bytes no_room = header(0xA0);  // padding bit with no bytes after the header
  EXPECT_FALSE(parse_rtp(no_room).ok());

  Bytes all_padding = header(0xA0);
  all_padding.insert(all_padding.end(), {0, 0, 3});
  auto v = parse_rtp(all_padding);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->payload.empty());
}

}  // namespace
}  // namespace keyline::media
