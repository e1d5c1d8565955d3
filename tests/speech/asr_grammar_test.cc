#include "speech/asr_grammar.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "speech/asr_number.h"

namespace keyline::speech {
namespace {

std::string value_of(const Grammar& g, std::string_view words) {
  auto v = interpret(g, words);
  return v ? *v : "<error: " + v.error().message + ">";
}

TEST(AsrGrammar, YesNoWordsMapToBooleans) {
  const auto g = Grammar::yes_no();
  EXPECT_EQ(value_of(g, "yes"), "true");
  EXPECT_EQ(value_of(g, "yeah"), "true");
  EXPECT_EQ(value_of(g, "Correct"), "true");
  EXPECT_EQ(value_of(g, "no"), "false");
  EXPECT_EQ(value_of(g, "nope"), "false");
  EXPECT_FALSE(interpret(g, "maybe").ok());
  EXPECT_FALSE(interpret(g, "yes no").ok());
  EXPECT_FALSE(interpret(g, "").ok());
  auto jsgf = to_jsgf(g);
  ASSERT_TRUE(jsgf.ok());
  EXPECT_EQ(jsgf->rfind("#JSGF V1.0;", 0), 0u);
  EXPECT_NE(jsgf->find("public <yesno> = yes | yeah"), std::string::npos) << *jsgf;
}

TEST(AsrGrammar, DigitStringsWithLengthBounds) {
  const auto g = Grammar::digits(2, 4);
  EXPECT_EQ(value_of(g, "two three"), "23");
  EXPECT_EQ(value_of(g, "oh nine zero one"), "0901");
  EXPECT_FALSE(interpret(g, "two").ok());                      // too short
  EXPECT_FALSE(interpret(g, "one two three four five").ok());  // too long
  EXPECT_FALSE(interpret(g, "two ten").ok());
  auto jsgf = to_jsgf(g);
  ASSERT_TRUE(jsgf.ok());
  // Two required digits, two optional ones nested.
  EXPECT_NE(jsgf->find("public <digits> = <digit> <digit> [<digit> [<digit>]];"), std::string::npos)
      << *jsgf;
}

TEST(AsrGrammar, DigitBoundsAreValidated) {
  EXPECT_FALSE(validate(Grammar::digits(0, 3)).ok());
  EXPECT_FALSE(validate(Grammar::digits(4, 3)).ok());
  EXPECT_FALSE(validate(Grammar::digits(1, 33)).ok());
  EXPECT_TRUE(validate(Grammar::digits(16, 16)).ok());
  EXPECT_EQ(to_jsgf(Grammar::digits(0, 3)).error().kind, "grammar");
}

TEST(AsrGrammar, MenuPhrasesMapToChoiceValues) {
  const auto g = Grammar::menu({{"1", {"sales", "buy something"}}, {"2", {"Support"}}});
  EXPECT_EQ(value_of(g, "sales"), "1");
  EXPECT_EQ(value_of(g, "buy  something"), "1");
  EXPECT_EQ(value_of(g, "support"), "2");
  EXPECT_FALSE(interpret(g, "billing").ok());
  auto jsgf = to_jsgf(g);
  ASSERT_TRUE(jsgf.ok());
  EXPECT_NE(jsgf->find("public <menu> = (sales) | (buy something) | (support);"), std::string::npos)
      << *jsgf;
  EXPECT_EQ(grammar_words(g), (std::vector<std::string>{"buy", "sales", "something", "support"}));
}

TEST(AsrGrammar, BadMenusAreRejectedWithReasons) {
  auto empty = validate(Grammar::menu({}));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, "grammar");
  EXPECT_FALSE(validate(Grammar::menu({{"1", {}}})).ok());
  auto digits = validate(Grammar::menu({{"1", {"option 1"}}}));
  ASSERT_FALSE(digits.ok());
  EXPECT_NE(digits.error().message.find("numbers as words"), std::string::npos);
  // A JSGF meta-character would change the grammar's meaning.
  EXPECT_FALSE(validate(Grammar::menu({{"1", {"sales | support"}}})).ok());
  EXPECT_FALSE(validate(Grammar::menu({{"1", {"sales"}}, {"2", {"Sales"}}})).ok());
  EXPECT_FALSE(validate(Grammar::menu({{"1", {"a b c d e f g h i"}}})).ok());
}

TEST(AsrGrammar, NumberWordsParse) {
  const auto g = Grammar::number();
  EXPECT_EQ(value_of(g, "zero"), "0");
  EXPECT_EQ(value_of(g, "seven"), "7");
  EXPECT_EQ(value_of(g, "nineteen"), "19");
  EXPECT_EQ(value_of(g, "forty two"), "42");
  EXPECT_EQ(value_of(g, "one hundred"), "100");
  EXPECT_EQ(value_of(g, "three hundred and five"), "305");
  EXPECT_EQ(value_of(g, "nine hundred ninety nine thousand nine hundred ninety nine"), "999999");
  EXPECT_EQ(value_of(g, "twelve thousand"), "12000");
  EXPECT_EQ(value_of(g, "two thousand and twenty six"), "2026");
  for (const char* bad : {"hundred", "twenty twenty", "one hundred and", "zero five",
                          "five thousand thousand", "ten one", "one thousand and"})
    EXPECT_FALSE(interpret(g, bad).ok()) << bad;
  auto jsgf = to_jsgf(g);
  ASSERT_TRUE(jsgf.ok());
  EXPECT_NE(jsgf->find("public <number>"), std::string::npos);
}

TEST(AsrGrammar, EveryNumberRoundTripsThroughWords) {
  // The words a speaker would use, built independently of the parser.
  const std::vector<std::string> ones = {"",     "one", "two",   "three", "four",
                                         "five", "six", "seven", "eight", "nine"};
  const std::vector<std::string> teens = {"ten",      "eleven",  "twelve",  "thirteen",
                                          "fourteen", "fifteen", "sixteen", "seventeen",
                                          "eighteen", "nineteen"};
  const std::vector<std::string> tens = {"",      "",      "twenty",  "thirty", "forty",
                                         "fifty", "sixty", "seventy", "eighty", "ninety"};
  auto under_1000 = [&](int n) {
    std::string out;
    if (n >= 100) out = ones[n / 100] + " hundred ";
    n %= 100;
    if (n >= 20)
      out += tens[n / 10] + " " + ones[n % 10];
    else if (n >= 10)
      out += teens[n - 10];
    else
      out += ones[n];
    return out;
  };
  for (int n = 1; n < 1000; n += 7) {
    EXPECT_EQ(value_of(Grammar::number(), under_1000(n)), std::to_string(n)) << under_1000(n);
    const int big = n * 1000 + (n * 37) % 1000;
    const std::string words = under_1000(n) + " thousand " + under_1000(big % 1000);
    EXPECT_EQ(value_of(Grammar::number(), words), std::to_string(big)) << words;
  }
}

TEST(AsrGrammar, CustomGrammarPassesThroughChecked) {
  const std::string text = "#JSGF V1.0;\ngrammar pizza;\npublic <size> = small | large;\n";
  const auto g = Grammar::custom(text);
  ASSERT_TRUE(validate(g).ok());
  EXPECT_EQ(*to_jsgf(g), text);
  EXPECT_EQ(value_of(g, "Large"), "large");
  EXPECT_TRUE(grammar_words(g).empty());
  EXPECT_FALSE(validate(Grammar::custom("public <a> = b;")).ok());
  EXPECT_FALSE(validate(Grammar::custom("#JSGF V1.0; grammar x; <a> = b;")).ok());
  EXPECT_FALSE(validate(Grammar::custom(std::string("#JSGF V1.0; public <a> = b\0;", 29))).ok());
  EXPECT_FALSE(validate(Grammar::custom("#JSGF" + std::string(kMaxCustomGrammarBytes, ' '))).ok());
}

TEST(AsrGrammar, SplitWordsNormalises) {
  EXPECT_EQ(split_words("  Two\tTHREE \n"), (std::vector<std::string>{"two", "three"}));
  EXPECT_TRUE(split_words(" \t ").empty());
}

}  // namespace
}  // namespace keyline::speech
