// Stored trunks (store/trunks.h, made through /v1/trunks) as SIP admission sees them: a
// request whose source address is on a trunk's allow list arrives on that trunk, which then
// caps its concurrent calls, may challenge its INVITEs with its own digest credentials, and
// sets the call's SRTP and DTMF policies. The table is rebuilt from the store when the API
// changes a trunk and every few seconds (another server may share a PostgreSQL store), so no
// restart is needed. Host names in an allow list match the addresses they were last resolved
// to (trunk_hosts.h resolves them off the workers' threads and again at each reload). A trunk
// with REGISTER settings carries them, password read, for the first worker to keep the binding
// (worker_registrations.cc). Pure: no I/O but the secret reader handed in; time from a Clock.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/secure_random.h"
#include "media/digit_input.h"
#include "sdp/crypto.h"
#include "sip/access_policy.h"
#include "sip/digest_authenticator.h"
#include "sip/message.h"
#include "sip/peer.h"
#include "sip/user_agent.h"
#include "store/trunks.h"

namespace keyline::server {

// A stored trunk's registration (store::TrunkRegistration) as the first worker runs it.
struct TrunkRegister {
  std::string registrar;  // a sip: URI; a host name is found by RFC 3263
  std::string aor;
  std::string contact_user;  // the AOR's user unless set
  std::string username;
  std::string password;  // read from the reference (never logged)
  sip::TransportKind transport = sip::TransportKind::kUdp;  // the trunk's
  int expires_s = 3600;
  bool operator==(const TrunkRegister&) const = default;
};

// Host name (lower case) -> the addresses it was last resolved to.
using HostAddresses = std::map<std::string, std::vector<std::string>>;

struct TrunkRule {
  std::string name;
  std::vector<sip::Cidr> allow;
  sip::TransportKind transport = sip::TransportKind::kUdp;
  int max_calls = 0;  // 0: no limit
  sdp::SrtpPolicy srtp = sdp::SrtpPolicy::kOptional;
  media::DtmfMode dtmf = media::DtmfMode::kAuto;
  std::string username;  // empty: the trunk's INVITEs are not challenged (config's sip.auth may be)
  // Set when the trunk has credentials. Shared with the table it replaced while the
  // credentials are the same, so a challenge issued before a reload can still be answered.
  std::shared_ptr<sip::DigestAuthenticator> auth;
  std::string password;  // resolved (never logged); compared on reload
  // The trunk has credentials whose password could not be read: its INVITEs are refused
  // (fail closed) rather than let in unauthenticated.
  bool credentials_broken = false;
  std::optional<TrunkRegister> registration;  // none, or its settings cannot be used
};

// Reads a password reference: "env:VAR" or "file:PATH" (first line). Errors never hold the
// secret.
using SecretReader = std::function<Result<std::string>(const std::string& ref)>;
Result<std::string> read_secret_ref(const std::string& ref);

class TrunkTable {
 public:
  struct Built;
  // `previous` (may be null) lends its authenticators to trunks whose credentials did not
  // change. A host name in an allow list matches the addresses `hosts` has for it. Entries that
  // cannot be used (bad prefixes, names without addresses, unreadable passwords) are named in
  // Built::problems; the rest of the trunk still applies.
  static Built build(const std::vector<store::TrunkRecord>& records, const SecretReader& read,
                     const TrunkTable* previous, const Clock& clock, RandomFill random,
                     const HostAddresses& hosts = {});

  // The trunk whose allow list holds the source: the longest matching prefix, then the first
  // by name. Null when none does.
  const TrunkRule* match(const io::Endpoint& source) const;
  const TrunkRule* find(const std::string& name) const;
  std::size_t size() const { return rules_.size(); }
  const std::vector<TrunkRule>& rules() const { return rules_; }

 private:
  std::vector<TrunkRule> rules_;
};

// The host names in the records' allow lists (lower case, each once): what to resolve.
std::vector<std::string> trunk_host_names(const std::vector<store::TrunkRecord>& records);

struct TrunkTable::Built {
  std::shared_ptr<TrunkTable> table;
  std::vector<std::string> problems;
};

// What a trunk says about an INVITE that arrived on it, given its calls in progress: nullopt
// to let it in, else the answer (403 wrong transport or unusable credentials, 503 with
// Retry-After at max_calls, 401 with the trunk's challenges). `reason` says why, for the log;
// `auth_failed` is set when credentials were given and wrong (for the ban counter).
struct TrunkVerdict {
  std::optional<sip::Admission> refusal;
  std::string reason;
  bool auth_failed = false;
  std::string user;  // the authenticated user, when there is one
};
TrunkVerdict admit_on_trunk(const TrunkRule& trunk, const sip::Message& invite,
                            const sip::Peer& from, int active_calls, int retry_after_s);

// Calls in progress per trunk, kept across table reloads (a reload must not reset the cap).
class TrunkCallCount {
 public:
  void add(const std::string& trunk) { ++counts_[trunk]; }
  void remove(const std::string& trunk);
  int count(const std::string& trunk) const;

 private:
  std::map<std::string, int> counts_;
};

}  // namespace keyline::server
