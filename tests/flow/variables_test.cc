#include <gtest/gtest.h>

#include "flow/secure_wipe.h"
#include "flow/variables.h"

namespace keyline::flow {
namespace {

TEST(Variables, SetGetAndPrivateFlag) {
  Variables v;
  EXPECT_FALSE(v.get("account").has_value());
  EXPECT_FALSE(v.is_private("account"));
  v.set("account", "12345", true);
  v.set("account$.termchar", "#");
  EXPECT_EQ(v.get("account"), "12345");
  EXPECT_TRUE(v.is_private("account"));
  EXPECT_FALSE(v.is_private("account$.termchar"));
  v.set("account", "999");  // a new value also sets the flag anew
  EXPECT_EQ(v.get("account"), "999");
  EXPECT_FALSE(v.is_private("account"));
  EXPECT_EQ(v.size(), 2u);
}

TEST(Variables, WipeRemovesEverything) {
  Variables v;
  v.set("session.connection.ani", "+15551234567");
  v.set("pin", "4321", true);
  v.wipe();
  EXPECT_EQ(v.size(), 0u);
  EXPECT_FALSE(v.get("pin").has_value());
  EXPECT_FALSE(v.contains("session.connection.ani"));
}

TEST(SecureWipe, ZeroesTheWholeBufferIncludingSpareCapacity) {
  std::string s(40, 'x');
  s.assign("1234");  // the old 'x' bytes stay in the buffer past size()
  const char* buffer = s.data();
  const std::size_t capacity = s.capacity();
  ASSERT_GE(capacity, 40u);
  secure_wipe(s);
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(s.data(), buffer) << "the buffer is kept, so its bytes can be checked";
  ASSERT_EQ(s.capacity(), capacity);
  for (std::size_t i = 0; i < capacity; ++i) EXPECT_EQ(buffer[i], '\0') << "byte " << i;
}

TEST(Substitute, ReplacesPlaceholders) {
  Variables v;
  v.set("name", "Ada");
  v.set("session.connection.ani", "5551234");
  EXPECT_EQ(substitute("Hello {{name}}, from {{ session.connection.ani }}.", v),
            "Hello Ada, from 5551234.");
  EXPECT_EQ(substitute("no placeholders", v), "no placeholders");
  EXPECT_EQ(substitute("{{name}}{{name}}", v), "AdaAda");
}

TEST(Substitute, UnknownVariableIsEmpty) {
  Variables v;
  EXPECT_EQ(substitute("[{{missing}}]", v), "[]");
}

TEST(Substitute, UnterminatedPlaceholderIsKeptAsText) {
  Variables v;
  v.set("a", "1");
  EXPECT_EQ(substitute("{{a}} and {{a", v), "1 and {{a");
}

TEST(Substitute, DigitsFilterSpellsEachCharacter) {
  Variables v;
  v.set("account", "12345");
  v.set("spaced", "12 34");
  EXPECT_EQ(substitute("You entered {{account|digits}}.", v), "You entered 1 2 3 4 5.");
  EXPECT_EQ(substitute("{{ account | digits }}", v), "1 2 3 4 5");
  EXPECT_EQ(substitute("{{spaced|digits}}", v), "1 2 3 4");
  EXPECT_EQ(substitute("{{missing|digits}}", v), "");
}

TEST(Substitute, ReportsPrivateUse) {
  Variables v;
  v.set("public", "a");
  v.set("card", "4111111111111111", true);
  bool used_private = false;
  EXPECT_EQ(substitute("{{public}}", v, &used_private), "a");
  EXPECT_FALSE(used_private);
  EXPECT_EQ(substitute("x{{card|digits}}", v, &used_private).substr(0, 4), "x4 1");
  EXPECT_TRUE(used_private);
}

TEST(CheckTemplate, FindsMistakes) {
  EXPECT_FALSE(check_template("Hi {{name}} {{ a$.termchar | digits }}").has_value());
  EXPECT_EQ(check_template("Hi {{name"), "unterminated {{ (a placeholder needs }})");
  EXPECT_EQ(check_template("{{na me}}"), "bad variable name 'na me' inside {{ }}");
  EXPECT_EQ(check_template("{{}}"), "bad variable name '' inside {{ }}");
  EXPECT_EQ(check_template("{{a|spell}}"), "unknown filter 'spell' (known: digits)");
}

}  // namespace
}  // namespace keyline::flow
