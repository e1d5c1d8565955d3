// Plum's phone-number format and the bulk queue's CSV: what is accepted, what is refused and
// why (the API's 422 details come from these messages).
#include <gtest/gtest.h>

#include "outbound/bulk_csv.h"
#include "outbound/destination.h"

namespace keyline::outbound {
namespace {

TEST(Destination, PlumFormsWithAniAndPostd) {
  auto plain = parse_destination("6175551234");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->number, "6175551234");
  EXPECT_TRUE(plain->ani.empty());
  EXPECT_TRUE(plain->postd.empty());
  EXPECT_FALSE(plain->sip_uri);

  auto full = parse_destination("tel:+16175551234;ani=8009957586;postd=2#");
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->number, "+16175551234");
  EXPECT_EQ(full->ani, "8009957586");
  EXPECT_EQ(full->postd, "2#");

  auto dashed = parse_destination("617-555-1234;postd=9");
  ASSERT_TRUE(dashed);
  EXPECT_EQ(dashed->number, "6175551234");
  EXPECT_EQ(dashed->postd, "9");

  auto sip = parse_destination("sip:alice@127.0.0.1:5070;ani=100");
  ASSERT_TRUE(sip) << sip.error().message;
  EXPECT_TRUE(sip->sip_uri);
  EXPECT_EQ(sip->number, "sip:alice@127.0.0.1:5070");
  EXPECT_EQ(sip->ani, "100");
}

TEST(Destination, RefusesWhatCannotBeDialled) {
  for (const char* bad : {"", "12", "61755512a4", "tel:", "+", "6175551234;ani=abc",
                          "6175551234;postd=", "6175551234;postd=9x", "6175551234;foo=1",
                          "sip:nohost", "sip:a@b@c", "sip:<a@b>", "123456789012345678901"}) {
    EXPECT_FALSE(parse_destination(bad)) << bad;
  }
  auto e = parse_destination("6175551234;color=red");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("known: ani, postd"), std::string::npos);
}

TEST(BulkCsv, HeaderDestinationAniAndParameterColumns) {
  auto csv = parse_bulk_csv(
      "destination,ani,patient,note\r\n"
      "6175551234,8005550000,Ada,\"Tuesday, 10 AM\"\r\n"
      "\r\n"
      "tel:+442071234567,,\"Bob \"\"B\"\" Smith\",\"two\nlines\"\n"
      "6175550000,,Cy,last",
      100);
  ASSERT_TRUE(csv) << csv.error().message;
  EXPECT_TRUE(csv->problems.empty());
  ASSERT_EQ(csv->calls.size(), 3u);
  EXPECT_EQ(csv->calls[0].line, 2);
  EXPECT_EQ(csv->calls[0].destination, "6175551234");
  EXPECT_EQ(csv->calls[0].ani, "8005550000");
  EXPECT_EQ(csv->calls[0].parameters.at("note"), "Tuesday, 10 AM");
  EXPECT_EQ(csv->calls[0].parameters.count("destination"), 0u);
  EXPECT_EQ(csv->calls[1].line, 4);
  EXPECT_EQ(csv->calls[1].parameters.at("patient"), "Bob \"B\" Smith");
  EXPECT_EQ(csv->calls[1].parameters.at("note"), "two\nlines");
  EXPECT_EQ(csv->calls[2].line, 6);  // the quoted line end counted
  EXPECT_EQ(csv->calls[2].parameters.at("note"), "last");
}

TEST(BulkCsv, RowProblemsAreCollectedFileProblemsFail) {
  auto rows =
      parse_bulk_csv("destination,name\n6175551234,a\n6175551235\n6175551236,c,extra\n", 10);
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->calls.size(), 1u);
  ASSERT_EQ(rows->problems.size(), 2u);
  EXPECT_EQ(rows->problems[0].line, 3);
  EXPECT_EQ(rows->problems[1].line, 4);

  EXPECT_FALSE(parse_bulk_csv("", 10));
  EXPECT_FALSE(parse_bulk_csv("phone,name\n1,2\n", 10));         // no destination column
  EXPECT_FALSE(parse_bulk_csv("destination,a,a\n1,2,3\n", 10));  // a column twice
  EXPECT_FALSE(parse_bulk_csv("destination,bad name\n1,2\n", 10));
  EXPECT_FALSE(parse_bulk_csv("destination\n\"unclosed\n", 10));
  EXPECT_FALSE(parse_bulk_csv("destination\n\"a\"b\n", 10));
  auto many = parse_bulk_csv("destination\n1\n2\n3\n", 2);
  ASSERT_FALSE(many);
  EXPECT_NE(many.error().message.find("more than 2 rows"), std::string::npos);
}

}  // namespace
}  // namespace keyline::outbound
