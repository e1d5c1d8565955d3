#include <gtest/gtest.h>

#include "server/config.h"

namespace keyline::server {
namespace {

TEST(PrivacyConfig, DefaultsAreBinLast4AndLast2WithEverythingOn) {
  Config c = default_config();
  EXPECT_EQ(c.privacy.pan_mask, privacy::PanMask::kBinLast4);
  EXPECT_EQ(c.privacy.other_mask, privacy::OtherMask::kLast2);
  EXPECT_TRUE(c.privacy.recognisers.cards && c.privacy.recognisers.long_numbers);
  EXPECT_TRUE(c.privacy.health_patterns.empty());
  EXPECT_FALSE(c.core_dumps);
}

TEST(PrivacyConfig, CoreDumpsAreOptIn) {
  auto on = parse_config("privacy:\n  core_dumps: true\n", "k.yaml", "");
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE(on->core_dumps);
  auto bad = parse_config("privacy:\n  core_dumps: sometimes\n", "k.yaml", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("privacy.core_dumps: must be true or false"),
            std::string::npos);
}

TEST(PrivacyConfig, AllSettingsAreRead) {
  auto c = parse_config(
      "privacy:\n"
      "  pan_mask: last4\n"
      "  other_mask: placeholder\n"
      "  recognisers:\n"
      "    long_numbers: false\n"
      "    dob: false\n"
      "  health_patterns:\n"
      "    - name: mrn\n"
      "      pattern: \"MRN-@@######\"\n"
      "    - name: member\n"
      "      pattern: \"####-####\"\n"
      "      check: luhn\n",
      "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->privacy.pan_mask, privacy::PanMask::kLast4);
  EXPECT_EQ(c->privacy.other_mask, privacy::OtherMask::kPlaceholder);
  EXPECT_FALSE(c->privacy.recognisers.long_numbers);
  EXPECT_FALSE(c->privacy.recognisers.dob);
  EXPECT_TRUE(c->privacy.recognisers.cvv);
  ASSERT_EQ(c->privacy.health_patterns.size(), 2u);
  EXPECT_EQ(c->privacy.health_patterns[0].pattern, "MRN-@@######");
  EXPECT_EQ(c->privacy.health_patterns[1].check, privacy::HealthCheck::kLuhn);
}

TEST(PrivacyConfig, ErrorsNameThePathAndPosition) {
  auto c = parse_config(
      "privacy:\n"
      "  pan_mask: first8\n"
      "  other_mask: hide\n"
      "  recognisers:\n"
      "    iban: true\n"
      "    cvv: sometimes\n"
      "  health_patterns:\n"
      "    - name: bad\n"
      "      pattern: \"ABC\"\n"
      "    - pattern: \"###\"\n"
      "    - name: x\n"
      "      pattern: \"###\"\n"
      "      check: crc\n"
      "  colour: blue\n",
      "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("k.yaml:2:13: privacy.pan_mask: must be one of bin_last4, last4"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("privacy.other_mask: must be one of last2, placeholder"), std::string::npos)
      << m;
  EXPECT_NE(m.find("privacy.recognisers.iban: unknown recogniser (known: cards,"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("privacy.recognisers.cvv: must be true or false"), std::string::npos) << m;
  EXPECT_NE(m.find("privacy.health_patterns[0]: pattern needs at least one #"), std::string::npos)
      << m;
  EXPECT_NE(m.find("privacy.health_patterns[1].name: is required"), std::string::npos) << m;
  EXPECT_NE(m.find("privacy.health_patterns[2]: check must be one of none, luhn, mod11"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("privacy.colour: unknown key"), std::string::npos) << m;
}

TEST(PrivacyConfig, ShippedConfigFileParses) {
  auto c = load_config(std::string(KEYLINE_SOURCE_DIR) + "/config/keyline.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->privacy.pan_mask, privacy::PanMask::kBinLast4);
}

}  // namespace
}  // namespace keyline::server
