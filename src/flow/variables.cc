#include "flow/variables.h"

namespace keyline::flow {

std::optional<std::string> Variables::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second.to_text();
  auto value = lookup(name);
  if (!value) return std::nullopt;
  return value->to_text();
}

std::optional<Value> Variables::lookup(std::string_view path) const {
  if (auto it = values_.find(path); it != values_.end()) return it->second;
  // The longest stored prefix ending before a '.', then one member (or list index) per step.
  for (auto dot = path.rfind('.'); dot != std::string_view::npos && dot > 0;
       dot = path.rfind('.', dot - 1)) {
    auto it = values_.find(path.substr(0, dot));
    if (it == values_.end()) continue;
    Value current = it->second;
    std::string_view rest = path.substr(dot + 1);
    while (true) {
      const auto next = rest.find('.');
      const std::string_view step = rest.substr(0, next);
      if (current.kind() == Value::Kind::kList) {
        const auto index = parse_number(step);
        current = index && !step.empty() ? current.element(static_cast<long>(*index))
                                         : Value().taint(current.is_private());
      } else {
        current = current.member(step);
      }
      if (next == std::string_view::npos) break;
      rest = rest.substr(next + 1);
    }
    return current;
  }
  return std::nullopt;
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
  if (it != values_.end()) return it->second.is_private();
  auto value = lookup(name);
  return value && value->is_private();
}

bool Variables::contains(std::string_view name) const {
  return values_.find(name) != values_.end();
}

void Variables::wipe() {
  for (auto& [name, value] : values_) value.wipe();
  values_.clear();
}

}  // namespace keyline::flow
