#include "privacy/memory_scan.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/secure_random.h"
#include "base/secure_wipe.h"

namespace keyline::privacy {
namespace {

// A probe for `clear` under a random key (the tests that check the matcher
// may hold the clear value; the memory tests below never do).
MaskedProbe mask(std::string_view clear, DigitBoundary boundary = DigitBoundary::kNone) {
  MaskedProbe p;
  p.key.resize(clear.size());
  EXPECT_TRUE(fill_secure_random(p.key));
  for (std::size_t i = 0; i < clear.size(); ++i)
    p.masked.push_back(static_cast<std::uint8_t>(clear[i]) ^ p.key[i]);
  p.boundary = boundary;
  return p;
}

std::vector<std::uint64_t> count_in(std::string_view text, const std::vector<MaskedProbe>& probes,
                                    std::size_t first = 0, std::size_t last = std::string::npos) {
  MaskedMatcher matcher(probes);
  std::vector<std::uint64_t> counts(probes.size(), 0);
  std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t*>(text.data()),
                                     text.size());
  matcher.count(data, first, last == std::string::npos ? text.size() : last, counts);
  return counts;
}

std::string utf16(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

TEST(MaskedMatcher, FindsEachOccurrenceAndNothingElse) {
  std::vector<MaskedProbe> probes{mask("4111111111111111"), mask("5555555555554444")};
  auto counts = count_in("x4111111111111111 and 4111111111111111 but 411111111111111", probes);
  EXPECT_EQ(counts[0], 2u);
  EXPECT_EQ(counts[1], 0u);
  EXPECT_EQ(count_in("", probes)[0], 0u);
  EXPECT_EQ(count_in("411111111111111", probes)[0], 0u);  // one digit short, at the end
}

TEST(MaskedMatcher, CountsOnlyStartsInTheRangeButReadsPastIt) {
  std::vector<MaskedProbe> probes{mask("12345678")};
  std::string text = "..12345678..";
  EXPECT_EQ(count_in(text, probes, 0, 3)[0], 1u);  // starts at 2, ends past the range
  EXPECT_EQ(count_in(text, probes, 3, text.size())[0], 0u);
}

TEST(MaskedMatcher, DigitBoundaryKeepsShortValuesToWholeNumbers) {
  std::vector<MaskedProbe> ascii{mask("737", DigitBoundary::kAscii)};
  EXPECT_EQ(count_in("cvv 737.", ascii)[0], 1u);
  EXPECT_EQ(count_in("737", ascii)[0], 1u);
  EXPECT_EQ(count_in("port 20737, 7371", ascii)[0], 0u);
  std::vector<MaskedProbe> wide{mask(utf16("737"), DigitBoundary::kUtf16)};
  EXPECT_EQ(count_in(utf16("cvv 737!"), wide)[0], 1u);
  EXPECT_EQ(count_in(utf16("20737 7370"), wide)[0], 0u);
  std::vector<MaskedProbe> unbounded{mask("737")};
  EXPECT_EQ(count_in("port 20737", unbounded)[0], 1u);
}

TEST(MaskedMatcher, IgnoresMalformedProbes) {
  MaskedProbe bad = mask("1234567");
  bad.key.pop_back();
  std::vector<MaskedProbe> probes{bad, MaskedProbe{}};
  auto counts = count_in("1234567", probes);
  EXPECT_EQ(counts[0], 0u);
  EXPECT_EQ(counts[1], 0u);
}

// A probe whose value the test never forms: random masked and key halves.
MaskedProbe random_probe(std::size_t n) {
  MaskedProbe p;
  p.masked.resize(n);
  p.key.resize(n);
  EXPECT_TRUE(fill_secure_random(p.masked));
  EXPECT_TRUE(fill_secure_random(p.key));
  return p;
}

// Keeps the compiler from dropping stores the program itself never reads.
void keep(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

TEST(OwnMemoryScan, FindsAValuePlantedInTheHeapAndNotOneNeverFormed) {
  std::vector<MaskedProbe> probes{random_probe(24), random_probe(24)};
  // Plant probe 0's value (masked ^ key) in a heap block; probe 1's value is
  // never computed anywhere.
  auto planted = std::make_unique<std::uint8_t[]>(4096);
  for (std::size_t i = 0; i < 24; ++i) planted[1000 + i] = probes[0].masked[i] ^ probes[0].key[i];
  keep(planted.get());
  auto report = scan_own_memory(probes);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->complete);
  EXPECT_GE(report->hits[0], 1u);
  EXPECT_EQ(report->hits[1], 0u) << "the scan formed a value it was given masked";
  EXPECT_GT(report->bytes_scanned, 4096u);
  EXPECT_GT(report->regions, 0u);

  // Wiped, it is gone: the scan's own buffer kept no copy of it either.
  wipe_bytes(planted.get(), 4096);
  keep(planted.get());
  auto after = scan_own_memory(probes);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->hits[0], 0u);
  EXPECT_EQ(after->hits[1], 0u);
}

TEST(OwnMemoryScan, FindsAValueOnTheStackAcrossChunkEdges) {
  std::vector<MaskedProbe> probes{random_probe(40)};
  std::uint8_t on_stack[64];
  for (std::size_t i = 0; i < 40; ++i) on_stack[10 + i] = probes[0].masked[i] ^ probes[0].key[i];
  keep(on_stack);
  // Small chunks: many values straddle a chunk's end.
  auto report = scan_own_memory(probes, MemoryScanLimits{std::chrono::milliseconds(600000), 4096});
  ASSERT_TRUE(report);
  EXPECT_GE(report->hits[0], 1u);
  wipe_bytes(on_stack, sizeof on_stack);
  keep(on_stack);
}

TEST(OwnMemoryScan, StopsAtTheTimeLimitAndSaysSo) {
  std::vector<MaskedProbe> probes{random_probe(16)};
  auto report = scan_own_memory(probes, MemoryScanLimits{std::chrono::milliseconds(-1), 4096});
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->complete);
}

}  // namespace
}  // namespace keyline::privacy
