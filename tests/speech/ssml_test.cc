#include "speech/ssml.h"

#include <gtest/gtest.h>

#include <string>

#include "speech/ssml_values.h"

namespace keyline::speech {
namespace {

// Segments in a compact form: words as written, "[500ms]" for a pause, and
// "(x1.5)" after words spoken at another rate.
std::string parse(std::string_view doc, bool english = true) {
  auto segments = parse_ssml(doc, english);
  if (!segments) return "ERROR " + segments.error().message;
  std::string out;
  for (const auto& s : *segments) {
    if (!out.empty()) out += " / ";
    if (!s.audio.empty()) {
      out += "<" + s.audio + "+" + std::to_string(s.fallback) + ">";
      continue;
    }
    if (s.text.empty()) {
      out += "[" + std::to_string(s.pause_ms) + "ms]";
      continue;
    }
    out += s.text;
    if (s.rate != 1.0) out += "(x" + std::to_string(s.rate).substr(0, 4) + ")";
  }
  return out;
}

TEST(Ssml, RecognisesSsmlByItsRoot) {
  EXPECT_TRUE(looks_like_ssml("<speak>Hi</speak>"));
  EXPECT_TRUE(looks_like_ssml("  \n<speak version=\"1.0\">"));
  EXPECT_FALSE(looks_like_ssml("Press <1> for sales"));
  EXPECT_FALSE(looks_like_ssml("speak to an agent"));
  EXPECT_FALSE(looks_like_ssml(""));
}

TEST(Ssml, PlainSpeakCollapsesWhitespace) {
  EXPECT_EQ(parse("<speak>  Welcome\n  to   Keyline. </speak>"), "Welcome to Keyline.");
  EXPECT_EQ(parse("<?xml version=\"1.0\"?>\n<speak xml:lang=\"en-US\"><!-- hi -->Hi</speak>\n"),
            "Hi");
  EXPECT_EQ(parse("<speak></speak>"), "");
  EXPECT_EQ(parse("<speak>Fish &amp; chips &lt;3 &#233;&#xE9;</speak>"), "Fish & chips <3 éé");
}

TEST(Ssml, BreaksBecomePauses) {
  EXPECT_EQ(parse("<speak>One<break time=\"500ms\"/>two</speak>"), "One / [500ms] / two");
  EXPECT_EQ(parse("<speak>One <break time='1.5s'/> two</speak>"), "One / [1500ms] / two");
  EXPECT_EQ(parse("<speak>A<break/>B<break strength=\"weak\"></break>C</speak>"),
            "A / [500ms] / B / [250ms] / C");
  // Adjacent breaks add up; strength none only separates.
  EXPECT_EQ(parse("<speak><break time=\"200ms\"/><break time=\"300ms\"/>Hi</speak>"),
            "[500ms] / Hi");
  EXPECT_EQ(parse("<speak>A<break strength=\"none\"/>B</speak>"), "A / B");
}

TEST(Ssml, ProsodyRateNestsAndClamps) {
  EXPECT_EQ(parse("<speak>Normal <prosody rate=\"slow\">slow words</prosody> normal</speak>"),
            "Normal / slow words(x0.75) / normal");
  EXPECT_EQ(parse("<speak><prosody rate=\"fast\">a<prosody rate=\"+20%\">b</prosody></prosody>"
                  "</speak>"),
            "a(x1.25) / b(x1.50)");
  EXPECT_EQ(parse("<speak><prosody rate=\"400%\">quick</prosody></speak>"), "quick(x2.00)");
  EXPECT_EQ(parse("<speak><prosody rate=\"x-slow\" pitch=\"high\">low</prosody></speak>"),
            "low(x0.50)");
}

TEST(Ssml, SayAsIsRenderedInPlace) {
  EXPECT_EQ(parse("<speak>Card ending <say-as interpret-as=\"digits\">4111</say-as>.</speak>"),
            "Card ending 4 1 1 1 .");
  EXPECT_EQ(parse("<speak>You owe <say-as interpret-as=\"currency\">12.18</say-as></speak>"),
            "You owe twelve dollars and eighteen cents");
  EXPECT_EQ(
      parse("<speak><say-as interpret-as=\"date\" format=\"mdy\">11/25/2026</say-as></speak>"),
      "November twenty fifth, twenty twenty six");
  EXPECT_EQ(parse("<speak>Call <say-as interpret-as=\"telephone\">+1 555 123 4567</say-as> now"
                  "</speak>"),
            "Call 1 / [300ms] / 5 5 5 / [300ms] / 1 2 3 / [300ms] / 4 5 6 7 now");
  EXPECT_EQ(parse("<speak><prosody rate=\"slow\"><say-as interpret-as=\"characters\">AB12"
                  "</say-as></prosody></speak>"),
            "A B 1 2(x0.75)");
  // Another language: numbers stay numerals for the voice to read.
  EXPECT_EQ(parse("<speak>Total <say-as interpret-as=\"number\">1234</say-as></speak>", false),
            "Total 1234");
}

TEST(Ssml, AudioFallbackSubAndSentences) {
  EXPECT_EQ(parse("<speak><audio src=\"welcome.wav\">Welcome <emphasis>back</emphasis></audio>"
                  "</speak>"),
            "<welcome.wav+1> / Welcome back");
  EXPECT_EQ(parse("<speak><audio src=\"beep.wav\"/>Go</speak>"), "<beep.wav+0> / Go");
  // The fallback is its own segments: a pause inside never merges with one outside.
  EXPECT_EQ(parse("<speak>Hi<break time=\"100ms\"/><audio src=\"a\">x<break time=\"200ms\"/>"
                  "</audio><break time=\"300ms\"/>y</speak>"),
            "Hi / [100ms] / <a+2> / x / [200ms] / [300ms] / y");
  EXPECT_EQ(parse("<speak>Call <sub alias=\"Keyline support\">KLS</sub> today</speak>"),
            "Call Keyline support today");
  EXPECT_EQ(parse("<speak><p><s>One.</s><s>Two.</s></p><mark name=\"m\"/>Three</speak>"),
            "One. / Two. / Three");
}

TEST(Ssml, ErrorsGiveLineAndColumn) {
  EXPECT_EQ(parse("Hello"), "ERROR line 1, column 1: text before <speak>");
  EXPECT_EQ(parse(""), "ERROR line 1, column 1: no <speak> element");
  EXPECT_EQ(parse("<p>Hi</p>"), "ERROR line 1, column 1: the document must start with <speak>");
  EXPECT_EQ(parse("<speak>Hi"), "ERROR line 1, column 1: <speak> is never closed");
  EXPECT_EQ(parse("<speak>\n  <prosody rate=\"slow\">Hi</speak>"),
            "ERROR line 2, column 26: expected </prosody>");
  EXPECT_EQ(parse("<speak>\n\n   <break time=\"soon\"/></speak>"),
            "ERROR line 3, column 4: break time must be 0ms to 10s");
  EXPECT_EQ(parse("<speak><break time=\"11s\"/></speak>"),
            "ERROR line 1, column 8: break time must be 0ms to 10s");
  EXPECT_EQ(parse("<speak>Hi <voice name=\"x\">there</voice></speak>"),
            "ERROR line 1, column 11: unsupported element (the subset is speak, break, prosody, "
            "say-as, audio, p, s, sub, emphasis, mark)");
  EXPECT_EQ(parse("<speak><say-as>1</say-as></speak>"),
            "ERROR line 1, column 8: <say-as> needs interpret-as");
  EXPECT_EQ(parse("<speak><say-as interpret-as=\"address\">1</say-as></speak>"),
            "ERROR line 1, column 8: interpret-as must be digits, characters, number, currency, "
            "date, time or telephone");
  EXPECT_EQ(parse("<speak>x <say-as interpret-as=\"digits\">12ab</say-as></speak>"),
            "ERROR line 1, column 10: <say-as> digits: only digits, spaces and dashes allowed");
  EXPECT_EQ(parse("<speak><say-as interpret-as=\"digits\">1<break/></say-as></speak>"),
            "ERROR line 1, column 39: <say-as> can hold only text");
  EXPECT_EQ(parse("<speak>a &nbsp; b</speak>"),
            "ERROR line 1, column 10: unknown or malformed entity");
  EXPECT_EQ(parse("<speak>a & b</speak>"), "ERROR line 1, column 10: unknown or malformed entity");
  EXPECT_EQ(parse("<speak><break time=500ms/></speak>"),
            "ERROR line 1, column 20: attribute value must be quoted");
  EXPECT_EQ(parse("<speak><break time=\"1s\" time=\"2s\"/></speak>"),
            "ERROR line 1, column 25: duplicate attribute");
  EXPECT_EQ(parse("<speak><prosody rate=\"zippy\">x</prosody></speak>"),
            "ERROR line 1, column 8: prosody rate must be x-slow, slow, medium, fast, x-fast or a "
            "percentage");
  EXPECT_EQ(parse("<speak>Hi</speak> there"), "ERROR line 1, column 18: text after </speak>");
  EXPECT_EQ(parse("<speak>Hi</speak><speak/>"), "ERROR line 1, column 18: content after </speak>");
  EXPECT_EQ(parse("<speak><speak>x</speak></speak>"),
            "ERROR line 1, column 8: <speak> cannot be nested");
  EXPECT_EQ(parse("<speak></prosody></speak>"), "ERROR line 1, column 8: expected </speak>");
  EXPECT_EQ(parse("<speak><!-- open </speak>"), "ERROR line 1, column 8: unterminated comment");
  EXPECT_EQ(parse("<speak><!DOCTYPE x></speak>"),
            "ERROR line 1, column 8: DOCTYPE and CDATA are not supported");
  EXPECT_EQ(parse("<speak><break time=\"1s\""), "ERROR line 1, column 8: unterminated tag");
  EXPECT_EQ(parse("<speak><audio>x</audio></speak>"), "ERROR line 1, column 8: <audio> needs src");
  EXPECT_EQ(parse("<speak>< b</speak>"),
            "ERROR line 1, column 8: expected an element name after '<'");
}

TEST(Ssml, ErrorsNeverQuoteTheDocument) {
  // Values inserted from private variables must not reach an error message.
  for (std::string doc : {"<speak>4111111111111111<foo4111111111111111/></speak>",
                          "<speak><say-as interpret-as=\"date\">4111111111111111</say-as></speak>",
                          "<speak>4111111111111111</speak><x4111111111111111>"}) {
    auto r = parse_ssml(doc);
    ASSERT_FALSE(r.ok()) << doc;
    EXPECT_EQ(r.error().message.find("4111"), std::string::npos) << r.error().message;
  }
}

TEST(Ssml, LimitsBoundTheWork) {
  EXPECT_EQ(parse("<speak>" + std::string(kMaxSsmlBytes, 'a') + "</speak>"),
            "ERROR line 1, column 1: document too large");
  std::string deep = "<speak>";
  for (int i = 0; i < 40; ++i) deep += "<emphasis>";
  // <speak> and 31 <emphasis> are open when the 32nd <emphasis> starts at byte 317.
  EXPECT_EQ(parse(deep), "ERROR line 1, column 318: elements nested too deeply");
}

TEST(SsmlValues, Durations) {
  EXPECT_EQ(parse_ssml_duration("500ms"), 500);
  EXPECT_EQ(parse_ssml_duration("2s"), 2000);
  EXPECT_EQ(parse_ssml_duration("0.25s"), 250);
  EXPECT_EQ(parse_ssml_duration("0ms"), 0);
  for (auto bad : {"", "ms", "s", "5", "-5ms", "5 ms", "1e9s", "abc"})
    EXPECT_FALSE(parse_ssml_duration(bad)) << bad;
}

TEST(SsmlValues, RatesStrengthsAndEntities) {
  EXPECT_EQ(parse_ssml_rate("slow", 2.0), 0.75);
  EXPECT_EQ(parse_ssml_rate("150%", 2.0), 1.5);
  EXPECT_EQ(parse_ssml_rate("-50%", 2.0), 1.0);
  EXPECT_FALSE(parse_ssml_rate("%", 1.0));
  EXPECT_FALSE(parse_ssml_rate("fastest", 1.0));
  EXPECT_EQ(parse_break_strength("x-strong"), 1000);
  EXPECT_FALSE(parse_break_strength("loud"));
  std::string out;
  EXPECT_TRUE(decode_entity("#x1F600", out));
  EXPECT_EQ(out, "\xF0\x9F\x98\x80");
  EXPECT_FALSE(decode_entity("#0", out));
  EXPECT_FALSE(decode_entity("#xD800", out));
  EXPECT_FALSE(decode_entity("#x110000", out));
  EXPECT_FALSE(decode_entity("copy", out));
}

}  // namespace
}  // namespace keyline::speech
