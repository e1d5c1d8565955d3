#include "flow/variables.h"

namespace keyline::flow {

std::optional<std::string> Variables::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.to_text();
}

const Value* Variables::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

void Variables::set(std::string_view name, std::string_view value, bool is_private) {
  set_value(name, Value::string(std::string(value)), is_private);
}

void Variables::set_value(std::string_view name, Value value, bool is_private) {
  value.taint(is_private);
  auto it = values_.find(name);
  if (it == values_.end()) {
    values_.emplace(std::string(name), std::move(value));
    return;
  }
  it->second = std::move(value);  // Value's assignment overwrites the old bytes first
}

bool Variables::is_private(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second.is_private();
}

bool Variables::contains(std::string_view name) const {
  return values_.find(name) != values_.end();
}

void Variables::wipe() {
  for (auto& [name, value] : values_) value.wipe();
  values_.clear();
}

}  // namespace keyline::flow
