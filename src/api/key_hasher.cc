#include "api/key_hasher.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/secure_random.h"

namespace keyline::api {

std::string sha256_digest_hex(std::string_view bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), digest.size() * 2);
}

namespace {

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

bool all_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Status read_exact(int fd, std::uint8_t* out, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, out + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error("io", "short read");
    got += static_cast<std::size_t>(n);
  }
  return Ok{};
}

}  // namespace

std::optional<ParsedKey> parse_api_key(std::string_view key) {
  if (key.size() != 3 + 16 + 1 + 64 || key.substr(0, 3) != "kl_" || key[19] != '_')
    return std::nullopt;
  auto id = key.substr(3, 16), secret = key.substr(20);
  if (!all_hex(id) || !all_hex(secret)) return std::nullopt;
  return ParsedKey{std::string(id), std::string(secret)};
}

Result<KeyHasher> KeyHasher::load_or_create(const std::string& path) {
  if (sodium_init() < 0) return make_error("crypto", "libsodium failed to initialise");
  std::array<std::uint8_t, 32> pepper{};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    auto st = read_exact(fd, pepper.data(), pepper.size());
    ::close(fd);
    if (!st) return make_error("io", path + ": API key hashing secret is truncated");
    return KeyHasher(pepper);
  }
  if (errno != ENOENT) return make_error("io", path + ": " + std::strerror(errno));
  if (auto st = fill_secure_random(pepper); !st) return st.error();
  // O_EXCL: if two processes race, one wins and the other re-reads its file.
  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create(path);
    return make_error("io", path + ": " + std::strerror(errno));
  }
  bool ok = ::write(fd, pepper.data(), pepper.size()) == static_cast<ssize_t>(pepper.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return make_error("io", path + ": could not write the API key hashing secret");
  return KeyHasher(pepper);
}

Result<KeyHasher::NewKey> KeyHasher::generate() const {
  std::array<std::uint8_t, 8> id{};
  std::array<std::uint8_t, 32> secret{};
  if (auto st = fill_secure_random(id); !st) return st.error();
  if (auto st = fill_secure_random(secret); !st) return st.error();
  NewKey k;
  k.key_id = to_hex(id.data(), id.size());
  std::string secret_hex = to_hex(secret.data(), secret.size());
  sodium_memzero(secret.data(), secret.size());
  k.key = "kl_" + k.key_id + "_" + secret_hex;
  k.hash = hash(secret_hex);
  sodium_memzero(secret_hex.data(), secret_hex.size());
  return k;
}

std::string KeyHasher::hash(std::string_view secret) const {
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), pepper_.data(), pepper_.size());
  return to_hex(out.data(), out.size());
}

bool KeyHasher::verify(std::string_view secret, std::string_view stored_hash) const {
  std::string computed = hash(secret);
  if (computed.size() != stored_hash.size()) return false;
  return sodium_memcmp(computed.data(), stored_hash.data(), computed.size()) == 0;
}

}  // namespace keyline::api
