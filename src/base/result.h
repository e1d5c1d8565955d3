// Result<T>: the error channel at protocol and I/O boundaries. Untrusted input
// never throws past a layer; it returns an Error instead.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace keyline {

struct Error {
  // A short machine-readable kind ("parse", "io", "config", ...) and a
  // human-readable message. Messages must never carry private values.
  std::string kind;
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(std::string kind, std::string message) {
  return Error{std::move(kind), std::move(message)};
}

}  // namespace keyline
