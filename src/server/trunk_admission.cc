#include "server/trunk_admission.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "base/strings.h"
#include "sip/uri.h"

namespace keyline::server {

Result<std::string> read_secret_ref(const std::string& ref) {
  if (ref.rfind("env:", 0) == 0 && ref.size() > 4) {
    const char* value = std::getenv(ref.c_str() + 4);
    if (!value || !*value)
      return make_error("config", "environment variable " + ref.substr(4) + " is not set");
    return std::string(value);
  }
  if (ref.rfind("file:", 0) == 0 && ref.size() > 5) {
    const std::string path = ref.substr(5);
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return make_error("config", "cannot read " + path);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return make_error("config", path + " is empty");
    return line;
  }
  // A stored trunk never holds the password itself (the API refuses anything else).
  return make_error("config", "a password reference must be env:VAR or file:PATH");
}

namespace {

// The API accepts an address, an address/prefix or a host name; what is not a prefix is a name.
bool is_host_name(const std::string& entry) {
  return !entry.empty() && entry.find('/') == std::string::npos && !sip::Cidr::parse(entry);
}

// What the registration needs, or the reason it cannot run (for Built::problems).
Result<TrunkRegister> trunk_register(const store::TrunkRecord& record, sip::TransportKind kind,
                                     const SecretReader& read) {
  const auto& r = record.registration;
  TrunkRegister out;
  out.registrar = r.registrar;
  out.aor = r.aor;
  out.transport = kind;
  out.expires_s = r.expires_s;
  out.username = r.username;
  auto registrar = sip::parse_uri(r.registrar);
  if (!registrar || registrar->scheme != "sip")
    return make_error("config", "registrar '" + r.registrar + "' is not a sip: URI");
  auto aor = sip::parse_uri(r.aor);
  if (!aor || aor->user.empty())
    return make_error("config", "aor '" + r.aor + "' is not a sip: URI with a user");
  out.contact_user = r.contact_user.empty() ? aor->user : r.contact_user;
  if (!r.username.empty()) {
    auto password = read(r.password_ref);
    if (!password) return make_error("config", "password: " + password.error().message);
    out.password = std::move(*password);
  }
  return out;
}

}  // namespace

std::vector<std::string> trunk_host_names(const std::vector<store::TrunkRecord>& records) {
  std::set<std::string> names;
  for (const auto& record : records)
    for (const auto& entry : record.allow)
      if (is_host_name(entry)) names.insert(to_lower(entry));
  return {names.begin(), names.end()};
}

TrunkTable::Built TrunkTable::build(const std::vector<store::TrunkRecord>& records,
                                    const SecretReader& read, const TrunkTable* previous,
                                    const Clock& clock, RandomFill random,
                                    const HostAddresses& hosts) {
  Built out;
  out.table = std::make_shared<TrunkTable>();
  for (const auto& record : records) {
    TrunkRule rule;
    rule.name = record.name;
    const std::string where = "trunk '" + record.name + "': ";
    for (const auto& entry : record.allow) {
      if (auto cidr = sip::Cidr::parse(entry)) {
        rule.allow.push_back(*cidr);
      } else if (!is_host_name(entry)) {
        out.problems.push_back(where + "allow entry '" + entry +
                               "' is not an address, CIDR block or host name; it is not matched");
      } else if (auto it = hosts.find(to_lower(entry)); it == hosts.end() || it->second.empty()) {
        // Not resolved yet (the first look-up is under way) or no address: matched once it has.
        out.problems.push_back(where + "allow entry '" + entry + "' has no address (yet)");
      } else {
        for (const auto& address : it->second)
          if (auto one = sip::Cidr::parse(address)) rule.allow.push_back(*one);
      }
    }
    if (record.transport == "tcp") {
      rule.transport = sip::TransportKind::kTcp;
    } else if (record.transport == "tls") {
      rule.transport = sip::TransportKind::kTls;
    }
    rule.max_calls = std::max(0, record.max_calls);
    if (auto srtp = sdp::parse_srtp_policy(record.srtp)) rule.srtp = *srtp;
    if (auto dtmf = media::parse_dtmf_mode(record.dtmf)) rule.dtmf = *dtmf;
    if (!record.digest_username.empty()) {
      rule.username = record.digest_username;
      auto password = read(record.digest_password_ref);
      if (!password) {
        rule.credentials_broken = true;
        out.problems.push_back(where + "digest password: " + password.error().message +
                               "; its calls are refused until it can be read");
      } else {
        rule.password = std::move(*password);
        const TrunkRule* old = previous ? previous->find(record.name) : nullptr;
        if (old && old->auth && old->username == rule.username && old->password == rule.password) {
          rule.auth = old->auth;
        } else {
          sip::DigestAuthConfig config;
          // The realm names the trunk so a carrier with several trunks here answers the
          // right one.
          config.realm = "keyline-trunk-" + record.name;
          config.users[rule.username] = rule.password;
          auto auth = sip::DigestAuthenticator::create(std::move(config), clock, random);
          if (auth) {
            rule.auth = std::move(*auth);
          } else {
            rule.credentials_broken = true;
            out.problems.push_back(where + "digest: " + auth.error().message);
          }
        }
      }
    }
    if (!record.registration.registrar.empty()) {
      if (auto reg = trunk_register(record, rule.transport, read)) {
        rule.registration = std::move(*reg);
      } else {
        out.problems.push_back(where + "register: " + reg.error().message +
                               "; it does not register");
      }
    }
    out.table->rules_.push_back(std::move(rule));
  }
  return out;
}

const TrunkRule* TrunkTable::match(const io::Endpoint& source) const {
  const TrunkRule* best = nullptr;
  int best_prefix = -1;
  for (const auto& rule : rules_)
    for (const auto& cidr : rule.allow)
      if (cidr.prefix() > best_prefix && cidr.contains(source)) {
        best = &rule;
        best_prefix = cidr.prefix();
      }
  return best;
}

const TrunkRule* TrunkTable::find(const std::string& name) const {
  for (const auto& rule : rules_)
    if (rule.name == name) return &rule;
  return nullptr;
}

TrunkVerdict admit_on_trunk(const TrunkRule& trunk, const sip::Message& invite,
                            const sip::Peer& from, int active_calls, int retry_after_s) {
  TrunkVerdict v;
  if (from.kind != trunk.transport) {
    v.refusal = sip::Admission{403, {}};
    v.reason = "trunk '" + trunk.name + "' takes calls over " +
               std::string(sip::Peer{trunk.transport, {}, {}}.transport_name()) + " only";
    return v;
  }
  if (trunk.credentials_broken) {
    v.refusal = sip::Admission{403, {}};
    v.reason = "trunk '" + trunk.name + "' has credentials that cannot be read";
    return v;
  }
  // The cap before the credentials: a trunk at its limit spends no hashing.
  if (trunk.max_calls > 0 && active_calls >= trunk.max_calls) {
    v.refusal = sip::Admission{503, {{"Retry-After", std::to_string(retry_after_s)}}};
    v.reason =
        "trunk '" + trunk.name + "' is at max_calls (" + std::to_string(trunk.max_calls) + ")";
    return v;
  }
  if (!trunk.auth) return v;
  auto outcome = trunk.auth->check(invite, from.endpoint.host());
  if (outcome.verdict == sip::AuthVerdict::kOk) {
    v.user = outcome.user;
    return v;
  }
  v.auth_failed = outcome.verdict == sip::AuthVerdict::kFailed;
  v.reason = "trunk '" + trunk.name +
             "': " + (v.auth_failed ? "authentication failed" : "challenged for credentials");
  sip::Admission refused{401, {}};
  for (auto& c : outcome.challenges) refused.headers.emplace_back("WWW-Authenticate", c);
  v.refusal = std::move(refused);
  return v;
}

void TrunkCallCount::remove(const std::string& trunk) {
  auto it = counts_.find(trunk);
  if (it == counts_.end()) return;
  if (--it->second <= 0) counts_.erase(it);
}

int TrunkCallCount::count(const std::string& trunk) const {
  auto it = counts_.find(trunk);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace keyline::server
