// RFC 4475 torture messages (copied byte-exact into tests/sip/rfc4475/ so the
// test is hermetic). Every file must be handled without crashing; each has an
// expected outcome from the RFC section that describes it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "sip/message.h"

namespace keyline::sip {
namespace {

constexpr int kParses = -1;  // expected: a Message
constexpr int kDropped = 0;  // expected: ParseError, any status (responses are dropped)

struct Expectation {
  int outcome;
  const char* why;
};

// file -> expected outcome. 3.1.1.x are valid and must parse. For invalid
// messages the RFC usually allows "reject with 400"; where this message
// layer legitimately accepts one, the reason says which layer must act.
const std::map<std::string, Expectation>& expectations() {
  static const std::map<std::string, Expectation> table = {
      // 3.1.1 valid messages
      {"wsinv", {kParses, "3.1.1.1 whitespace, folding, odd case"}},
      {"intmeth", {kParses, "3.1.1.2 unusual tokens"}},
      {"esc01", {kParses, "3.1.1.3 escapes in URIs"}},
      {"escnull", {kParses, "3.1.1.4 %00 in URIs"}},
      {"esc02", {kParses, "3.1.1.5 % in method and header name"}},
      {"lwsdisp", {kParses, "3.1.1.6 display name without space"}},
      {"longreq", {kParses, "3.1.1.7 long values"}},
      {"dblreq", {kParses, "3.1.1.8 extra bytes after Content-Length are ignored"}},
      {"semiuri", {kParses, "3.1.1.9 ';' in the user part"}},
      {"transports", {kParses, "3.1.1.10 unknown transports"}},
      {"mpart01", {kParses, "3.1.1.11 binary multipart body"}},
      {"unreason", {kParses, "3.1.1.12 UTF-8 reason phrase"}},
      {"noreason", {kParses, "3.1.1.13 empty reason phrase"}},
      // 3.1.2 invalid messages
      {"badinv01", {400, "3.1.2.1 empty Via elements"}},
      {"clerr", {400, "3.1.2.2 Content-Length larger than body"}},
      {"ncl", {400, "3.1.2.3 negative Content-Length"}},
      {"scalar02", {400, "3.1.2.4 CSeq overflows 32 bits"}},
      {"scalarlg", {kDropped, "3.1.2.5 response with overflowing CSeq"}},
      {"quotbal", {400, "3.1.2.6 unbalanced quote in To"}},
      {"ltgtruri", {400, "3.1.2.7 <> around Request-URI"}},
      {"lwsruri", {400, "3.1.2.8 spaces in Request-URI"}},
      {"lwsstart", {400, "3.1.2.9 multiple spaces in request line"}},
      {"trws", {400, "3.1.2.10 trailing spaces in request line"}},
      {"escruri",
       {kParses, "3.1.2.11 headers in Request-URI are URI syntax; the UA must refuse them"}},
      {"baddate", {kParses, "3.1.2.12 Date is not interpreted by this layer"}},
      {"regbadct", {kParses, "3.1.2.13 Contact is not validated here; the registrar parses it"}},
      {"badaspec", {kParses, "3.1.2.14 spaces inside <> accepted, as the RFC permits"}},
      {"baddn", {400, "3.1.2.15 unquoted display name with comma in To"}},
      {"badvers", {505, "3.1.2.16 SIP/7.0"}},
      {"mismatch01", {400, "3.1.2.17 CSeq method differs"}},
      {"mismatch02", {400, "3.1.2.18 CSeq method differs"}},
      {"bigcode", {kDropped, "3.1.2.19 status code out of range"}},
      // 3.2 / 3.3: syntactically valid, semantics are the UA's job, except:
      {"insuf", {400, "3.3.1 missing Call-ID, From, To"}},
      {"multi01", {400, "3.3.8 duplicate To/From/Call-ID/CSeq"}},
      {"mcl01", {400, "3.3.9 two Content-Length values"}},
      {"badbranch", {kParses, "3.2.1"}},
      {"unkscm", {kParses, "3.3.2 unknown scheme: 416 is the UA's decision"}},
      {"novelsc", {kParses, "3.3.3"}},
      {"unksm2", {kParses, "3.3.4"}},
      {"bext01", {kParses, "3.3.5"}},
      {"invut", {kParses, "3.3.6"}},
      {"regaut01", {kParses, "3.3.7"}},
      {"bcast", {kParses, "3.3.10"}},
      {"zeromf", {kParses, "3.3.11"}},
      {"cparam01", {kParses, "3.3.12"}},
      {"cparam02", {kParses, "3.3.13"}},
      {"regescrt", {kParses, "3.3.14"}},
      {"sdp01", {kParses, "3.3.15"}},
      {"inv2543", {kParses, "3.4.1 RFC 2543 request without Max-Forwards/branch"}},
  };
  return table;
}

std::filesystem::path corpus_dir() {
  return std::filesystem::path(KEYLINE_SOURCE_DIR) / "tests" / "sip" / "rfc4475";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

ParseResult parse_file(const std::string& name) {
  return parse_message(read_file(corpus_dir() / (name + ".dat")));
}

const Message& as_message(const ParseResult& r) { return std::get<Message>(r); }

TEST(Rfc4475Test, EveryFileHasTheExpectedOutcome) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus_dir())) {
    if (entry.path().extension() != ".dat") continue;
    ++files;
    std::string name = entry.path().stem().string();
    std::string bytes = read_file(entry.path());
    ParseResult result = parse_message(bytes);
    (void)frame_stream(bytes);  // must not crash either

    auto it = expectations().find(name);
    ASSERT_NE(it, expectations().end()) << "no expectation for " << name;
    const Expectation& want = it->second;
    if (want.outcome == kParses) {
      const auto* error = std::get_if<ParseError>(&result);
      EXPECT_EQ(error, nullptr) << name << " (" << want.why << "): " << error->status << " "
                                << error->reason;
      if (auto* msg = std::get_if<Message>(&result)) {
        auto again = parse_message(msg->serialize());
        EXPECT_TRUE(std::holds_alternative<Message>(again)) << name << " did not round-trip";
      }
    } else {
      const auto* error = std::get_if<ParseError>(&result);
      ASSERT_NE(error, nullptr) << name << " (" << want.why << ") was accepted";
      if (want.outcome != kDropped) {
        EXPECT_EQ(error->status, want.outcome) << name;
      }
    }
  }
  EXPECT_EQ(files, expectations().size());
}

TEST(Rfc4475Test, WsinvValues) {
  auto result = parse_file("wsinv");
  const Message& msg = as_message(result);
  EXPECT_EQ(msg.method, "INVITE");
  EXPECT_EQ(msg.header("CSeq"), "0009 INVITE");
  EXPECT_EQ(msg.header("NewFangledHeader"), "newfangled value continued newfangled value");
  EXPECT_EQ(msg.header("Subject"), "");
  auto vias = msg.header_values("Via");
  ASSERT_EQ(vias.size(), 3u);
  auto from = parse_name_addr(*msg.header("From"));
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->display_name, "J Rosenberg \\\"");
  EXPECT_EQ(from->tag(), "98asjd8");
  auto to = parse_name_addr(*msg.header("t"));
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(to->tag(), "1918181833n");
  EXPECT_EQ(msg.body.size(), 150u);
}

TEST(Rfc4475Test, DblreqTakesFirstMessageOnly) {
  auto result = parse_file("dblreq");
  EXPECT_EQ(as_message(result).method, "REGISTER");
  EXPECT_TRUE(as_message(result).body.empty());
}

TEST(Rfc4475Test, LongreqHasSeventyVias) {
  auto result = parse_file("longreq");
  const Message& msg = as_message(result);
  auto vias = msg.header_values("v");
  EXPECT_GE(vias.size(), 30u);
  for (auto v : vias) EXPECT_TRUE(parse_vias(v).ok()) << v;
}

TEST(Rfc4475Test, ResponsesWithOddReasons) {
  auto unreason = parse_file("unreason");
  EXPECT_EQ(as_message(unreason).status, 200);
  auto noreason = parse_file("noreason");
  EXPECT_EQ(as_message(noreason).status, 100);
  EXPECT_EQ(as_message(noreason).reason, "");
}

TEST(Rfc4475Test, EscapedUriComponents) {
  auto result = parse_file("esc01");
  const Message& msg = as_message(result);
  auto to = parse_name_addr(*msg.header("To"));
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(unescape(to->uri.user), "user");
  auto contact = parse_name_addr(msg.header_values("Contact").at(0));
  ASSERT_TRUE(contact.ok());
  EXPECT_EQ(contact->uri.params.size(), 2u);
}

TEST(Rfc4475Test, TransportsAreKept) {
  auto result = parse_file("transports");
  std::vector<std::string> transports;
  for (auto v : as_message(result).header_values("Via"))
    transports.push_back(parse_vias(v)->front().transport);
  EXPECT_EQ(transports, (std::vector<std::string>{"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"}));
}

TEST(Rfc4475Test, BadVersionKeepsHeadersForThe505) {
  auto result = parse_file("badvers");
  const auto& error = std::get<ParseError>(result);
  ASSERT_TRUE(error.partial.has_value());
  Message response = make_response(*error.partial, error.status, "");
  EXPECT_EQ(response.reason, "Version Not Supported");
  EXPECT_EQ(response.header("Call-ID"), "badvers.31417@c.example.com");
}

}  // namespace
}  // namespace keyline::sip
