#include "api/tls_identity.h"

#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "base/secure_random.h"

namespace keyline::api {
namespace {

Error tls_error(const std::string& what, int rc) {
  return make_error("tls", what + ": " + gnutls_strerror(rc));
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("io", path + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status write_file(const std::string& path, const std::string& data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return make_error("io", path + ": " + std::strerror(errno));
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return make_error("io", path + ": write failed");
  return Ok{};
}

struct CrtDeleter {
  void operator()(gnutls_x509_crt_t c) const { gnutls_x509_crt_deinit(c); }
};
struct KeyDeleter {
  void operator()(gnutls_x509_privkey_t k) const { gnutls_x509_privkey_deinit(k); }
};
using Crt = std::unique_ptr<std::remove_pointer_t<gnutls_x509_crt_t>, CrtDeleter>;
using Key = std::unique_ptr<std::remove_pointer_t<gnutls_x509_privkey_t>, KeyDeleter>;

Result<std::string> export_pem(gnutls_x509_crt_t crt) {
  gnutls_datum_t out{};
  int rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out);
  if (rc < 0) return tls_error("export certificate", rc);
  std::string pem(reinterpret_cast<char*>(out.data), out.size);
  gnutls_free(out.data);
  return pem;
}

Result<std::string> fingerprint(const std::string& cert_pem) {
  gnutls_x509_crt_t raw;
  gnutls_x509_crt_init(&raw);
  Crt crt(raw);
  gnutls_datum_t in{reinterpret_cast<unsigned char*>(const_cast<char*>(cert_pem.data())),
                    static_cast<unsigned>(cert_pem.size())};
  int rc = gnutls_x509_crt_import(crt.get(), &in, GNUTLS_X509_FMT_PEM);
  if (rc < 0) return tls_error("read certificate", rc);
  unsigned char digest[32];
  size_t size = sizeof digest;
  rc = gnutls_x509_crt_get_fingerprint(crt.get(), GNUTLS_DIG_SHA256, digest, &size);
  if (rc < 0) return tls_error("fingerprint", rc);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    if (i) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Result<TlsIdentity> generate(const std::string& cert_path, const std::string& key_path) {
  gnutls_x509_privkey_t raw_key;
  gnutls_x509_privkey_init(&raw_key);
  Key key(raw_key);
  int rc = gnutls_x509_privkey_generate(key.get(), GNUTLS_PK_ECDSA,
                                        GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
  if (rc < 0) return tls_error("generate key", rc);
  gnutls_x509_crt_t raw_crt;
  gnutls_x509_crt_init(&raw_crt);
  Crt crt(raw_crt);
  unsigned char serial[16];
  if (auto st = fill_secure_random(std::span<std::uint8_t>(serial, sizeof serial)); !st)
    return st.error();
  serial[0] &= 0x7F;  // a positive serial number
  std::time_t now = std::time(nullptr);
  const char* cn = "keyline";
  const char* localhost = "localhost";
  unsigned char loopback[4] = {127, 0, 0, 1};
  if ((rc = gnutls_x509_crt_set_version(crt.get(), 3)) < 0 ||
      (rc = gnutls_x509_crt_set_serial(crt.get(), serial, sizeof serial)) < 0 ||
      (rc = gnutls_x509_crt_set_activation_time(crt.get(), now - 3600)) < 0 ||
      (rc = gnutls_x509_crt_set_expiration_time(crt.get(), now + 825LL * 24 * 3600)) < 0 ||
      (rc = gnutls_x509_crt_set_dn_by_oid(crt.get(), GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                          std::strlen(cn))) < 0 ||
      (rc = gnutls_x509_crt_set_key(crt.get(), key.get())) < 0 ||
      (rc = gnutls_x509_crt_set_subject_alt_name(crt.get(), GNUTLS_SAN_DNSNAME, localhost,
                                                 std::strlen(localhost), GNUTLS_FSAN_APPEND)) < 0 ||
      (rc = gnutls_x509_crt_set_subject_alt_name(crt.get(), GNUTLS_SAN_IPADDRESS, loopback,
                                                 sizeof loopback, GNUTLS_FSAN_APPEND)) < 0 ||
      // CA:TRUE so clients can use the file itself as their trust anchor.
      (rc = gnutls_x509_crt_set_basic_constraints(crt.get(), 1, 0)) < 0 ||
      (rc = gnutls_x509_crt_set_key_usage(
           crt.get(), GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN)) < 0 ||
      (rc = gnutls_x509_crt_set_key_purpose_oid(crt.get(), GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
      (rc = gnutls_x509_crt_sign2(crt.get(), crt.get(), key.get(), GNUTLS_DIG_SHA256, 0)) < 0)
    return tls_error("build certificate", rc);
  auto cert_pem = export_pem(crt.get());
  if (!cert_pem) return cert_pem.error();
  gnutls_datum_t key_out{};
  rc = gnutls_x509_privkey_export2(key.get(), GNUTLS_X509_FMT_PEM, &key_out);
  if (rc < 0) return tls_error("export key", rc);
  std::string key_pem(reinterpret_cast<char*>(key_out.data), key_out.size);
  gnutls_memset(key_out.data, 0, key_out.size);
  gnutls_free(key_out.data);
  // The key first, private to the user; the certificate last, so a crash in
  // between leaves no certificate without its key.
  if (auto st = write_file(key_path, key_pem, 0600); !st) return st.error();
  if (auto st = write_file(cert_path, *cert_pem, 0644); !st) return st.error();
  TlsIdentity id;
  id.cert_pem = std::move(*cert_pem);
  id.key_pem = std::move(key_pem);
  id.cert_path = cert_path;
  id.generated = true;
  return id;
}

}  // namespace

Result<TlsIdentity> load_or_create_tls_identity(const std::string& cert_path,
                                                const std::string& key_path,
                                                const std::string& dir) {
  if (cert_path.empty() != key_path.empty())
    return make_error("config", "api.tls_cert and api.tls_key go together");
  TlsIdentity id;
  std::string cert = cert_path, key = key_path;
  if (cert.empty()) {
    cert = (std::filesystem::path(dir) / "api-cert.pem").string();
    key = (std::filesystem::path(dir) / "api-key.pem").string();
    std::error_code ec;
    if (!std::filesystem::exists(cert, ec)) {
      auto made = generate(cert, key);
      if (!made) return made.error();
      id = std::move(*made);
    }
  }
  if (!id.generated) {
    auto c = read_file(cert);
    if (!c) return c.error();
    auto k = read_file(key);
    if (!k) return k.error();
    id.cert_pem = std::move(*c);
    id.key_pem = std::move(*k);
    id.cert_path = cert;
  }
  auto fp = fingerprint(id.cert_pem);
  if (!fp) return fp.error();
  id.sha256_fingerprint = std::move(*fp);
  return id;
}

}  // namespace keyline::api
