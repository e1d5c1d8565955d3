// Key material (SRTP master keys and salts) held in a fixed inline buffer that
// is overwritten whenever the value dies or is replaced: keys must not survive
// a call in freed memory. There is deliberately no way to print one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace keyline {

class SecretBytes {
 public:
  // The longest SRTP key||salt we handle is AEAD_AES_256_GCM's 44 bytes.
  static constexpr std::size_t kCapacity = 64;

  SecretBytes() = default;
  // nullopt when `bytes` does not fit.
  static std::optional<SecretBytes> from(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kCapacity) return std::nullopt;
    SecretBytes s;
    for (std::size_t i = 0; i < bytes.size(); ++i) s.bytes_[i] = bytes[i];
    s.size_ = bytes.size();
    return s;
  }

  SecretBytes(const SecretBytes& other) : bytes_(other.bytes_), size_(other.size_) {}
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      wipe();
      bytes_ = other.bytes_;
      size_ = other.size_;
    }
    return *this;
  }
  // A move copies and wipes the source, so exactly one live copy remains.
  SecretBytes(SecretBytes&& other) noexcept : bytes_(other.bytes_), size_(other.size_) {
    other.wipe();
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = other.bytes_;
      size_ = other.size_;
      other.wipe();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const std::uint8_t> view() const { return {bytes_.data(), size_}; }
  // Writable storage for filling in place (random generation, decoding) without
  // an intermediate copy; resize() first.
  std::span<std::uint8_t> writable() { return {bytes_.data(), size_}; }
  bool resize(std::size_t size) {
    if (size > kCapacity) return false;
    size_ = size;
    return true;
  }

  // Volatile writes: the compiler may not drop stores to memory that is
  // never read again, which is exactly what a wipe is.
  void wipe() {
    volatile std::uint8_t* p = bytes_.data();
    for (std::size_t i = 0; i < kCapacity; ++i) p[i] = 0;
    size_ = 0;
  }

  // Constant time in the contents, so a comparison leaks no key bytes.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
    if (a.size_ != b.size_) return false;
    std::uint8_t diff = 0;
    for (std::size_t i = 0; i < a.size_; ++i) diff |= a.bytes_[i] ^ b.bytes_[i];
    return diff == 0;
  }

 private:
  std::array<std::uint8_t, kCapacity> bytes_{};
  std::size_t size_ = 0;
};

}  // namespace keyline
