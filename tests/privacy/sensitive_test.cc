#include "privacy/sensitive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <concepts>
#include <new>
#include <ostream>
#include <string>
#include <type_traits>

#include "base/secure_string.h"

namespace keyline::privacy {
namespace {

// The ways a value reaches text. Each must be impossible for a Sensitive.
template <class T>
concept Streamable = requires(std::ostream& os, const T& t) {
  os << t;
};
template <class T>
concept ToStringable = requires(const T& t) {
  std::to_string(t);
};
template <class T>
concept Appendable = requires(std::string& s, const T& t) {
  s += t;
};
template <class T>
concept Concatenable = requires(const std::string& s, const T& t) {
  s + t;
};

template <class S>
constexpr bool leak_proof =
    !Streamable<S> && !ToStringable<S> && !Appendable<S> && !Concatenable<S> &&
    !std::is_convertible_v<S, std::string> && !std::is_convertible_v<S, std::string_view> &&
    !std::is_constructible_v<std::string, S> && !std::is_constructible_v<std::string_view, S> &&
    !std::is_convertible_v<S, bool> && !std::is_copy_constructible_v<S> &&
    !std::is_copy_assignable_v<S>;

// The checks themselves see leaks where there are some.
static_assert(Streamable<std::string> && Appendable<std::string> && ToStringable<int>);
static_assert(!leak_proof<std::string>);

static_assert(leak_proof<Sensitive<std::string>>);
static_assert(leak_proof<Sensitive<SecureString>>);
static_assert(leak_proof<Sensitive<int>>);
static_assert(leak_proof<Sensitive<std::array<char, 16>>>);
static_assert(std::is_nothrow_move_constructible_v<Sensitive<std::string>>);
#if defined(__cpp_lib_format)
static_assert(!std::formattable<Sensitive<std::string>, char>);
#endif

TEST(Sensitive, RevealAndExplicitCopy) {
  Sensitive<std::string> pin(std::string("4321"));
  EXPECT_EQ(pin.reveal(), "4321");
  Sensitive<std::string> second = pin.copy();
  EXPECT_EQ(second.reveal(), "4321");
  second.wipe();
  EXPECT_TRUE(second.reveal().empty());
  EXPECT_EQ(pin.reveal(), "4321");
}

TEST(Sensitive, MoveLeavesTheSourceWiped) {
  Sensitive<std::string> a(std::string("4111111111111111 and more to pass SSO"));
  Sensitive<std::string> b(std::move(a));
  EXPECT_TRUE(a.reveal().empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  Sensitive<std::array<char, 4>> digits(std::array<char, 4>{'1', '2', '3', '4'});
  Sensitive<std::array<char, 4>> moved(std::move(digits));
  EXPECT_EQ(digits.reveal(), (std::array<char, 4>{}));  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.reveal(), (std::array<char, 4>{'1', '2', '3', '4'}));
  Sensitive<std::string> c;
  c = std::move(b);
  EXPECT_EQ(c.reveal(), "4111111111111111 and more to pass SSO");
  EXPECT_TRUE(b.reveal().empty());  // NOLINT(bugprone-use-after-move)
}

// Destroys a Sensitive built inside our own buffer and looks for the secret.
template <class T>
bool secret_left(T value, std::string_view secret) {
  using S = Sensitive<T>;
  alignas(S) unsigned char storage[sizeof(S)];
  S* s = new (storage) S(std::move(value));
  EXPECT_NE(std::search(storage, storage + sizeof(S), secret.begin(), secret.end()),
            storage + sizeof(S))
      << "the value is not stored inline: this check would prove nothing";
  s->~S();
  return std::search(storage, storage + sizeof(S), secret.begin(), secret.end()) !=
         storage + sizeof(S);
}

TEST(Sensitive, DestructionWipesInlineStorage) {
  EXPECT_FALSE(secret_left(std::string("1234"), "1234"));  // in the SSO buffer
  EXPECT_FALSE(
      secret_left(std::array<char, 8>{'8', '7', '6', '5', '4', '3', '2', '1'}, "87654321"));
}

}  // namespace
}  // namespace keyline::privacy
