// A stored trunk's REGISTER settings and host-name allow entries through /v1/trunks
// (docs/api.md): stored as sent, the password reference never shown, kept across a PUT of what
// GET returned, and every bad field reported at once as a JSON problem.
#include <set>

#include "api_fixture.h"

namespace keyline::api {
namespace {

using TrunkRegisterApiTest = ApiFixture;

std::set<std::string> error_places(const Response& r) {
  std::set<std::string> out;
  auto doc = parse_json(r.body);
  if (!doc || !doc->find("errors")) return out;
  for (const auto& e : doc->find("errors")->as_array()) out.insert(e.find("where")->as_string());
  return out;
}

constexpr const char* kRegistering =
    R"({"name":"carrier","allow":["sip.carrier.example","192.0.2.0/24"],"transport":"tcp",
        "register":{"registrar":"sip:reg.carrier.example:5070","aor":"sip:4420@carrier.example",
                    "contact_user":"main-line","username":"4420",
                    "password_ref":"env:CARRIER_REG_PW","expires":600}})";

TEST_F(TrunkRegisterApiTest, RegisterSettingsAreStoredAndTheReferenceNeverShown) {
  auto created = call("POST", "/v1/trunks", admin_, kRegistering);
  ASSERT_EQ(created.status, 201) << created.body;
  auto stored = *trunks_->get("carrier");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->allow, (std::vector<std::string>{"sip.carrier.example", "192.0.2.0/24"}));
  EXPECT_EQ(stored->registration.registrar, "sip:reg.carrier.example:5070");
  EXPECT_EQ(stored->registration.aor, "sip:4420@carrier.example");
  EXPECT_EQ(stored->registration.contact_user, "main-line");
  EXPECT_EQ(stored->registration.username, "4420");
  EXPECT_EQ(stored->registration.password_ref, "env:CARRIER_REG_PW");
  EXPECT_EQ(stored->registration.expires_s, 600);

  auto got = call("GET", "/v1/trunks/carrier", viewer_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.find("CARRIER_REG_PW"), std::string::npos);
  EXPECT_EQ(created.body.find("CARRIER_REG_PW"), std::string::npos);
  auto doc = parse_json(got.body);
  ASSERT_TRUE(doc);
  const Json* reg = doc->find("register");
  ASSERT_TRUE(reg && reg->is_object());
  EXPECT_EQ(reg->find("registrar")->as_string(), "sip:reg.carrier.example:5070");
  EXPECT_TRUE(reg->find("password_set")->as_bool());
  EXPECT_EQ(reg->find("expires")->as_integer(), 600);

  // What GET returned goes back unchanged: the stored reference is kept.
  ASSERT_EQ(call("PUT", "/v1/trunks/carrier", admin_, got.body).status, 200);
  EXPECT_EQ((*trunks_->get("carrier"))->registration.password_ref, "env:CARRIER_REG_PW");
  // The export (admin only) names the reference so an import restores a working trunk.
  auto exported = call("GET", "/v1/export", admin_);
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_NE(exported.body.find("env:CARRIER_REG_PW"), std::string::npos);

  // register: null stops the registration.
  ASSERT_EQ(call("PUT", "/v1/trunks/carrier", admin_, R"({"allow":["192.0.2.1"],"register":null})")
                .status,
            200);
  EXPECT_TRUE((*trunks_->get("carrier"))->registration.registrar.empty());
  EXPECT_TRUE(
      parse_json(call("GET", "/v1/trunks/carrier", viewer_).body)->find("register")->is_null());
}

TEST_F(TrunkRegisterApiTest, BadRegisterFieldsAreAllReported) {
  auto r = call("POST", "/v1/trunks", admin_,
                R"({"name":"c","allow":["192.0.2.1"],
                    "register":{"registrar":"http://x","aor":"sip:carrier.example",
                                "contact_user":"a b","username":"u","password":"s3cret-pw",
                                "expires":5,"refresh":1}})");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_places(r),
            (std::set<std::string>{"/register/registrar", "/register/aor", "/register/contact_user",
                                   "/register/password", "/register/password_ref",
                                   "/register/expires", "/register/refresh"}));
  EXPECT_EQ(r.body.find("s3cret-pw"), std::string::npos) << "the refused password is not echoed";
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto missing =
      call("POST", "/v1/trunks", admin_, R"({"name":"c","allow":["192.0.2.1"],"register":{}})");
  EXPECT_EQ(error_places(missing), (std::set<std::string>{"/register/registrar", "/register/aor"}));
  auto not_object = call("POST", "/v1/trunks", admin_,
                         R"({"name":"c","allow":["192.0.2.1"],"register":"sip:x"})");
  EXPECT_EQ(error_places(not_object), std::set<std::string>{"/register"});
  EXPECT_TRUE(trunks_->list()->empty());
}

TEST_F(TrunkRegisterApiTest, ARegistrationWithoutCredentialsNeedsNoReference) {
  auto r = call("POST", "/v1/trunks", admin_,
                R"({"name":"open","allow":["carrier.example"],
                    "register":{"registrar":"sip:192.0.2.7","aor":"sip:100@carrier.example"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto stored = *trunks_->get("open");
  EXPECT_EQ(stored->registration.expires_s, 3600) << "the config's default";
  EXPECT_TRUE(stored->registration.username.empty());
  auto reg = parse_json(r.body)->find("register");
  EXPECT_EQ(reg->find("password_set"), nullptr);
}

}  // namespace
}  // namespace keyline::api
