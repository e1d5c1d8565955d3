#include <gtest/gtest.h>

#include <vector>

#include "base/base64.h"
#include "base/secret_bytes.h"
#include "base/secure_random.h"

namespace keyline {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::string decode(std::string_view text) {
  std::uint8_t out[64];
  auto n = base64_decode(text, out);
  return n ? std::string(reinterpret_cast<char*>(out), *n) : std::string("<error>");
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(bytes("")), "");
  EXPECT_EQ(base64_encode(bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(bytes("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(decode("Zg=="), "f");
  EXPECT_EQ(decode("Zm8="), "fo");
  EXPECT_EQ(decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(decode("Zm8"), "fo");  // padding stripped by some peers
}

TEST(Base64, RejectsWhatIsNotBase64) {
  std::uint8_t out[64];
  EXPECT_FALSE(base64_decode("Zm9v!mFy", out));
  EXPECT_FALSE(base64_decode("Zm=v", out));   // padding inside
  EXPECT_FALSE(base64_decode("Zm9vY", out));  // 6 stray bits
  EXPECT_FALSE(base64_decode("Zh==", out));   // non-zero unused bits
  std::uint8_t small[2];
  EXPECT_FALSE(base64_decode("Zm9v", small));  // does not fit
}

TEST(SecretBytes, CopiesCompareAndMovesWipeTheSource) {
  auto a = SecretBytes::from(bytes("0123456789"));
  ASSERT_TRUE(a);
  SecretBytes copy = *a;
  EXPECT_TRUE(copy == *a);
  SecretBytes moved = std::move(*a);
  EXPECT_TRUE(moved == copy);
  EXPECT_EQ(a->size(), 0u);  // NOLINT(bugprone-use-after-move): the wipe is the point
  moved.wipe();
  EXPECT_TRUE(moved.empty());
  EXPECT_FALSE(moved == copy);
  EXPECT_FALSE(SecretBytes::from(std::vector<std::uint8_t>(SecretBytes::kCapacity + 1)));
}

TEST(SecureRandom, FillsAndDiffers) {
  std::uint8_t a[32] = {}, b[32] = {};
  ASSERT_TRUE(fill_secure_random(a));
  ASSERT_TRUE(fill_secure_random(b));
  EXPECT_NE(std::vector<std::uint8_t>(a, a + 32), std::vector<std::uint8_t>(b, b + 32));
}

}  // namespace
}  // namespace keyline
