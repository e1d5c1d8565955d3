// Variables: the call's data, by name. Every module stores its result in a variable named after
// the module ("account"), with shadow variables beside it ("account$.termchar"); the host gives
// session variables ("session.id", "session.connection.ani"). A variable written by a private
// module is flagged private so every sink (call log, TTS cache, events) can leave it out.
// Values are JSON-like (flow/value.h) and carry that private flag as a taint.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/value.h"

namespace keyline::flow {

class Variables {
 public:
  Variables() = default;
  Variables(const Variables&) = default;
  Variables& operator=(const Variables&) = default;
  Variables(Variables&&) = default;
  Variables& operator=(Variables&&) = default;
  ~Variables() { wipe(); }  // call data is overwritten, not merely freed

  // The value as text (Value::to_text), nullopt for an unknown name. Like lookup(), a dotted
  // path reaches into a map or list ("pay.data.status", "order.items.0").
  std::optional<std::string> get(std::string_view name) const;
  // The stored value itself; nullptr for an unknown name.
  const Value* find(std::string_view name) const;
  // Replaces the value (the old bytes are overwritten first) and the private flag.
  void set(std::string_view name, std::string_view value, bool is_private = false);
  // Stores a value; it is private when it is tainted or when `is_private` says so.
  void set_value(std::string_view name, Value value, bool is_private = false);
  bool is_private(std::string_view name) const;  // false for unknown names
  // The variable `path` names, or — when no variable has that exact name — the member of the
  // longest stored prefix it walks to (taint included). nullopt when nothing matches.
  std::optional<Value> lookup(std::string_view path) const;
  bool contains(std::string_view name) const;
  std::size_t size() const { return values_.size(); }

  // Overwrites every stored value, then removes all variables. Called when the call ends.
  void wipe();

  // Read-only walk, e.g. for a post-call web service or a debug dump that skips private values.
  template <class Fn>  // Fn(const std::string& name, const std::string& value, bool is_private)
  void for_each(Fn&& fn) const {
    for (const auto& [name, value] : values_) fn(name, value.to_text(), value.is_private());
  }

 private:
  std::map<std::string, Value, std::less<>> values_;
};

// Replaces each {{name}} in `text` with the variable's value (whitespace inside the braces is
// allowed; an unknown variable gives ""). {{name|digits}} spells the value one character at a
// time ("12345" -> "1 2 3 4 5") so TTS reads an account number digit by digit. Sets
// *used_private when any substituted variable is private.
std::string substitute(std::string_view text, const Variables& variables,
                       bool* used_private = nullptr);

// As substitute(), with each inserted value passed through `encode` first (the REST module
// URL-encodes what goes into URLs and form bodies).
std::string substitute_encoded(std::string_view text, const Variables& variables,
                               const std::function<std::string(std::string_view)>& encode,
                               bool* used_private = nullptr);

// As substitute(), but every private variable is written as "[private]": for call logs.
std::string substitute_for_log(std::string_view text, const Variables& variables);

// The variable names of a text's {{placeholders}}, in order (for the validator's flow analysis).
std::vector<std::string> template_variables(std::string_view text);

// Checks the placeholders of a prompt text at load time: nullopt when well formed, else a
// message ("unterminated {{", "unknown filter 'x'", ...).
std::optional<std::string> check_template(std::string_view text);

}  // namespace keyline::flow
