// The API's TLS certificate and key (the GnuTLS adapter for certificates).
// Configured files are loaded as they are; with none configured, the first
// start generates a self-signed ECDSA P-256 certificate for localhost and
// 127.0.0.1 into the data dir and later starts reuse it. The SHA-256
// fingerprint is what clients pin (or they pass the PEM to curl --cacert).
#pragma once

#include <string>

#include "base/result.h"

namespace keyline::api {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
  std::string cert_path;
  std::string sha256_fingerprint;  // "AB:CD:..." over the DER certificate
  bool generated = false;          // true when this start created it
};

// Loads cert_path/key_path; when both are empty, uses (or creates)
// <dir>/api-cert.pem and <dir>/api-key.pem.
Result<TlsIdentity> load_or_create_tls_identity(const std::string& cert_path,
                                                const std::string& key_path,
                                                const std::string& dir);

}  // namespace keyline::api
