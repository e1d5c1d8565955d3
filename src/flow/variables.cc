#include "flow/variables.h"

#include "flow/secure_wipe.h"

namespace keyline::flow {

std::optional<std::string> Variables::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.value;
}

void Variables::set(std::string_view name, std::string_view value, bool is_private) {
  auto it = values_.find(name);
  if (it == values_.end()) {
    values_.emplace(std::string(name), Entry{std::string(value), is_private});
    return;
  }
  secure_wipe(it->second.value);
  it->second.value.assign(value);
  it->second.is_private = is_private;
}

bool Variables::is_private(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second.is_private;
}

bool Variables::contains(std::string_view name) const {
  return values_.find(name) != values_.end();
}

void Variables::wipe() {
  for (auto& [name, entry] : values_) secure_wipe(entry.value);
  values_.clear();
}

}  // namespace keyline::flow
