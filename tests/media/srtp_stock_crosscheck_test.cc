// Keyline's SRTP (libsrtp2 with the OpenSSL primitives) against libsrtp2 as
// Debian ships it (NSS primitives). The stock side runs in its own process
// (srtp_stock_reference), since installing the primitives is process-wide.
// For every suite Keyline offers, RTP and RTCP: our protected packets must be
// byte-identical to the stock ones, and we must unprotect the stock ones.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "media/srtp_session.h"
#include "srtp_reference_packets.h"

namespace keyline::media {
namespace {

namespace ref = srtp_reference;

struct StockPackets {
  std::vector<std::vector<std::uint8_t>> rtp[ref::kSuiteCount];
  std::vector<std::vector<std::uint8_t>> rtcp[ref::kSuiteCount];
  std::string error;
};

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

StockPackets run_stock_reference() {
  StockPackets packets;
  FILE* pipe = popen(KEYLINE_SRTP_STOCK_REFERENCE, "r");
  if (pipe == nullptr) {
    packets.error = "cannot run " KEYLINE_SRTP_STOCK_REFERENCE;
    return packets;
  }
  std::string line;
  char chunk[4096];
  while (std::fgets(chunk, sizeof chunk, pipe) != nullptr) {
    line += chunk;
    if (line.empty() || line.back() != '\n') continue;  // a long line, read on
    line.pop_back();
    int suite = line[0] - '0';
    std::size_t space = line.find(' ', 2);
    if (suite < 0 || suite >= ref::kSuiteCount || space == std::string::npos) {
      packets.error = "unexpected line: " + line.substr(0, 40);
      break;
    }
    std::string kind = line.substr(2, space - 2);
    (kind == "rtcp" ? packets.rtcp : packets.rtp)[suite].push_back(
        from_hex(line.substr(space + 1)));
    line.clear();
  }
  int status = pclose(pipe);
  if (status != 0 && packets.error.empty())
    packets.error = "srtp_stock_reference exited with status " + std::to_string(status);
  return packets;
}

// Run once for the four suites: it is a separate process.
const StockPackets& stock_packets() {
  static const StockPackets packets = run_stock_reference();
  return packets;
}

SecretBytes secret(const std::vector<std::uint8_t>& bytes) { return *SecretBytes::from(bytes); }

// Protects `plain` with `session` and returns the wire bytes (empty on error).
std::vector<std::uint8_t> protect(SrtpSession& session, bool rtcp,
                                  const std::vector<std::uint8_t>& plain) {
  std::vector<std::uint8_t> buffer(plain);
  buffer.resize(plain.size() + kSrtpMaxOverhead);
  auto n =
      rtcp ? session.protect_rtcp(buffer, plain.size()) : session.protect_rtp(buffer, plain.size());
  if (!n) return {};
  buffer.resize(*n);
  return buffer;
}

std::vector<std::uint8_t> unprotect(SrtpSession& session, bool rtcp,
                                    const std::vector<std::uint8_t>& wire) {
  std::vector<std::uint8_t> buffer(wire);
  auto n = rtcp ? session.unprotect_rtcp(buffer, buffer.size())
                : session.unprotect_rtp(buffer, buffer.size());
  if (!n) return {};
  buffer.resize(*n);
  return buffer;
}

class StockCrossCheck : public ::testing::TestWithParam<SrtpSuite> {};

TEST_P(StockCrossCheck, ProtectsByteForByteLikeStockLibsrtpAndReadsItsPackets) {
  const StockPackets& stock = stock_packets();
  ASSERT_TRUE(stock.error.empty()) << stock.error;
  const int suite = static_cast<int>(GetParam());
  ASSERT_EQ(stock.rtp[suite].size(), ref::kPacketCount);
  ASSERT_EQ(stock.rtcp[suite].size(), ref::kPacketCount);
  ASSERT_EQ(srtp_key_salt_length(GetParam()), ref::kKeySaltLength[suite]);

  // The stock program protected with key(suite); a second, unrelated key
  // fills the other direction.
  std::vector<std::uint8_t> other(ref::kKeySaltLength[suite], 0x5a);
  auto sender = SrtpSession::create({GetParam(), secret(ref::key(suite)), secret(other)});
  auto receiver = SrtpSession::create({GetParam(), secret(other), secret(ref::key(suite))});
  ASSERT_TRUE(sender && receiver);

  for (std::size_t n = 0; n < ref::kPacketCount; ++n) {
    for (bool rtcp : {false, true}) {
      SCOPED_TRACE((rtcp ? "rtcp packet " : "rtp packet ") + std::to_string(n));
      const auto plain = rtcp ? ref::rtcp_packet(n) : ref::rtp_packet(n);
      const auto& theirs = (rtcp ? stock.rtcp : stock.rtp)[suite][n];
      EXPECT_NE(theirs, plain);
      EXPECT_EQ(protect(**sender, rtcp, plain), theirs);
      EXPECT_EQ(unprotect(**receiver, rtcp, theirs), plain);
    }
  }
  EXPECT_EQ((*receiver)->stats().auth_failures, 0u);
  EXPECT_EQ((*receiver)->stats().replays, 0u);
}

INSTANTIATE_TEST_SUITE_P(KeylineSuites, StockCrossCheck,
                         ::testing::Values(SrtpSuite::kAesCm128HmacSha1_80,
                                           SrtpSuite::kAesCm128HmacSha1_32,
                                           SrtpSuite::kAeadAes128Gcm, SrtpSuite::kAeadAes256Gcm));

}  // namespace
}  // namespace keyline::media
