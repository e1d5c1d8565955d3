// Wiping is proved by looking at memory at the last moment the program may:
// an allocator hook sees each heap block after the wipe and before free(),
// and objects destroyed inside a buffer we own leave that buffer readable.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "base/memory_lock.h"
#include "base/secure_string.h"
#include "base/wiping_allocator.h"

namespace keyline {
namespace {

// What the hook saw; thread_local so parallel tests cannot mix counts.
struct Released {
  std::size_t blocks = 0;
  std::size_t bytes = 0;
  std::size_t dirty_blocks = 0;  // blocks with a non-zero byte left
};
thread_local Released released;

struct CheckingHooks {
  static void after_wipe(const void* p, std::size_t n) noexcept {
    auto* bytes = static_cast<const unsigned char*>(p);
    ++released.blocks;
    released.bytes += n;
    if (std::any_of(bytes, bytes + n, [](unsigned char b) { return b != 0; }))
      ++released.dirty_blocks;
  }
};

using CheckedString =
    std::basic_string<char, std::char_traits<char>, WipingAllocator<char, CheckingHooks>>;

TEST(WipingAllocator, EveryReleasedBlockIsZeroIncludingGrowthBuffers) {
  released = {};
  {
    CheckedString s = "4111111111111111 is the card number of this call";  // beyond SSO
    for (int i = 0; i < 8; ++i) s += s;  // several reallocations, each old block freed
  }
  EXPECT_GE(released.blocks, 5u);
  EXPECT_GE(released.bytes, 48u * 256u);
  EXPECT_EQ(released.dirty_blocks, 0u);
}

TEST(WipingAllocator, VectorsToo) {
  released = {};
  {
    std::vector<unsigned char, WipingAllocator<unsigned char, CheckingHooks>> v(100, 0xAB);
    v.resize(1000, 0xCD);
  }
  EXPECT_EQ(released.blocks, 2u);
  EXPECT_EQ(released.dirty_blocks, 0u);
}

// Builds a T inside our own buffer, checks the secret is visible there (so
// the search can find it), destroys it, and reports whether it is still there.
template <class T, class Make>
bool secret_left_after_destruction(Make make, std::string_view secret) {
  alignas(T) unsigned char storage[sizeof(T)];
  T* object = new (storage) T(make());
  const unsigned char* begin = storage;
  const unsigned char* end = storage + sizeof(T);
  EXPECT_NE(std::search(begin, end, secret.begin(), secret.end()), end) << "not inline";
  object->~T();
  return std::search(begin, end, secret.begin(), secret.end()) != end;
}

TEST(SecureString, ShortValuesInsideTheObjectAreWipedOnDestruction) {
  // Four digits fit in the small-string buffer, where no allocator looks.
  EXPECT_FALSE(
      secret_left_after_destruction<SecureString>([] { return SecureString("4321"); }, "4321"));
}

TEST(SecureString, MoveLeavesTheSourceWiped) {
  SecureString a("98765");
  const char* inline_buffer = a.data();
  SecureString b(std::move(a));
  EXPECT_EQ(b.view(), "98765");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  EXPECT_EQ(std::string_view(inline_buffer, 5), std::string_view("\0\0\0\0\0", 5));
  SecureString c("12");
  c = std::move(b);
  EXPECT_EQ(c.view(), "98765");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(LockedRegion, NeverFailsTheCallerAndCountsTheOutcome) {
  MemoryLockStats stats;
  {
    LockedRegion region(100, stats);
    ASSERT_NE(region.data(), nullptr);
    EXPECT_EQ(region.size(), 100u);
    std::memset(region.data(), 0x5A, region.size());
    region.wipe();
    EXPECT_TRUE(std::all_of(region.data(), region.data() + 100, [](auto b) { return b == 0; }));
    // Locked or not depends on the container's limits; either way it is counted.
    EXPECT_EQ(stats.locked + stats.failed, 1u);
    EXPECT_EQ(region.locked(), stats.locked == 1);
  }
  LockedRegion empty(0, stats);
  EXPECT_EQ(empty.data(), nullptr);
  EXPECT_EQ(stats.locked + stats.failed, 1u);
}

}  // namespace
}  // namespace keyline
