// SIP trunks as stored: who may send calls (a host/CIDR allow-list), over which transport, with
// which digest credentials, how many calls at once, and the SRTP and DTMF policies. A
// deployment may name the trunk its calls arrive on. The digest password is never stored:
// only a reference to where the server reads it (env:VAR or file:PATH). A trunk may also keep
// a registration with the carrier's registrar (REGISTER, docs/sip.md), as `sip.register` does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace keyline::store {

// REGISTER with the carrier's registrar; an empty registrar: the trunk does not register.
struct TrunkRegistration {
  std::string registrar;     // sip:host[:port][;transport=tcp]
  std::string aor;           // the address of record, sip:user@domain
  std::string contact_user;  // the user part of our Contact (empty: the AOR's user)
  std::string username;      // digest; empty: challenges are not answered
  std::string password_ref;  // "env:VAR" or "file:PATH"; never the password itself
  int expires_s = 3600;
  bool operator==(const TrunkRegistration&) const = default;
};

struct TrunkRecord {
  std::string name;
  std::vector<std::string> allow;   // IP addresses, CIDR blocks or host names
  std::string transport = "udp";    // udp | tcp | tls
  std::string digest_username;      // empty: no digest authentication
  std::string digest_password_ref;  // "env:VAR" or "file:PATH"; never the password itself
  int max_calls = 0;                // concurrent calls; 0: no limit
  std::string srtp = "optional";    // off | optional | mandatory
  std::string dtmf = "auto";        // auto | rfc4733 | inband | info
  TrunkRegistration registration;
  std::int64_t created_unix_ms = 0;
  std::int64_t updated_unix_ms = 0;
};

class TrunkRepository {
 public:
  virtual ~TrunkRepository() = default;
  virtual Result<std::vector<TrunkRecord>> list() = 0;  // by name
  virtual Result<std::optional<TrunkRecord>> get(const std::string& name) = 0;
  virtual Status create(const TrunkRecord& t) = 0;        // fails when the name exists
  virtual Result<bool> update(const TrunkRecord& t) = 0;  // false when absent
  // False when absent; fails with kind "conflict" while a deployment names the trunk.
  virtual Result<bool> remove(const std::string& name) = 0;
};

}  // namespace keyline::store
