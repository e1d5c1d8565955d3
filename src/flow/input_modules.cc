#include "flow/input_modules.h"

#include <cmath>

namespace keyline::flow {
namespace {

constexpr std::size_t kMaxDynamicOptions = 10;
constexpr int kMaxNumberKeys = 32;

template <class S>
InputView common_view(const S& settings) {
  const InputCommon& c = settings.common;
  return {c.prompt, c.noinput_prompt, c.nomatch_prompt, &c.input, c.prompt_id.id};
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

int digits_at(std::string_view keys, std::size_t pos, std::size_t count) {
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) v = v * 10 + (keys[i] - '0');
  return v;
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string four(int v) {
  std::string s = std::to_string(v);
  return std::string(4 - std::min<std::size_t>(4, s.size()), '0') + s;
}

}  // namespace

InputView input_view(const Module& module) {
  switch (module.type()) {
    case ModuleType::kMenu: {
      const auto& m = std::get<MenuSettings>(module.settings);
      return {m.prompt, m.noinput_prompt, m.nomatch_prompt, &m.input, m.prompt_id.id};
    }
    case ModuleType::kDigits: {
      const auto& d = std::get<DigitsSettings>(module.settings);
      return {d.prompt, d.noinput_prompt, d.nomatch_prompt, &d.input, d.prompt_id.id};
    }
    case ModuleType::kNumber:
      return common_view(std::get<NumberSettings>(module.settings));
    case ModuleType::kYesNo:
      return common_view(std::get<YesNoSettings>(module.settings));
    case ModuleType::kDateTime:
      return common_view(std::get<DateTimeSettings>(module.settings));
    case ModuleType::kCustomField:
      return common_view(std::get<CustomFieldSettings>(module.settings));
    case ModuleType::kDynamicMenu:
      return common_view(std::get<DynamicMenuSettings>(module.settings));
    case ModuleType::kLanguage:
      return common_view(std::get<LanguageSettings>(module.settings));
    default:
      return {};
  }
}

Result<std::vector<DynamicOption>> read_dynamic_options(const Value& options,
                                                        std::string_view language,
                                                        std::string_view fallback_language) {
  if (options.kind() != Value::Kind::kList || options.as_list().empty())
    return make_error("dynamic_menu", "the options variable is not a list with an option");
  if (options.as_list().size() > kMaxDynamicOptions)
    return make_error("dynamic_menu", "a dynamic menu has at most 10 options");
  std::vector<DynamicOption> out;
  for (const Value& item : options.as_list()) {
    const Value dtmf = item.member("dtmf");
    // {"dtmf": 1} and {"dtmf": "1"} both name key 1, as Plum Fuse users write either.
    const std::string key =
        dtmf.kind() == Value::Kind::kNumber || dtmf.kind() == Value::Kind::kString ? dtmf.to_text()
                                                                                   : "";
    const bool is_key =
        key.size() == 1 && ((key[0] >= '0' && key[0] <= '9') || key[0] == '*' || key[0] == '#');
    if (!is_key) return make_error("dynamic_menu", "an option's dtmf is not a phone key");
    for (const auto& existing : out) {
      if (existing.key == key[0]) return make_error("dynamic_menu", "two options share a key");
    }
    DynamicOption option;
    option.key = key[0];
    option.value = item.member("value");
    const Value prompts = item.member("prompt");
    Value text = prompts.member(language);
    if (text.is_null()) text = prompts.member(fallback_language);
    if (text.is_null() && prompts.kind() == Value::Kind::kMap && !prompts.as_map().empty())
      text = prompts.as_map().front().second;
    if (text.kind() == Value::Kind::kString) option.prompt = text.as_string();
    out.push_back(std::move(option));
  }
  return out;
}

InputCollector make_input_collector(const Module& module,
                                    const std::vector<DynamicOption>& dynamic_options) {
  switch (module.type()) {
    case ModuleType::kMenu: {
      std::string keys;
      for (const auto& option : std::get<MenuSettings>(module.settings).options) keys += option.key;
      return InputCollector::for_menu(std::move(keys));
    }
    case ModuleType::kDigits: {
      const auto& d = std::get<DigitsSettings>(module.settings);
      return InputCollector::for_digits(d.min_digits, d.max_digits, d.terminator);
    }
    case ModuleType::kNumber: {
      const auto& n = std::get<NumberSettings>(module.settings);
      return InputCollector::for_digits(1, kMaxNumberKeys, n.common.terminator, "*");
    }
    case ModuleType::kYesNo:
      return InputCollector::for_menu("12");
    case ModuleType::kDateTime: {
      const auto& d = std::get<DateTimeSettings>(module.settings);
      const int length = date_time_length(d.format);
      return InputCollector::for_digits(length, length, d.common.terminator);
    }
    case ModuleType::kCustomField: {
      const auto& c = std::get<CustomFieldSettings>(module.settings);
      return InputCollector::for_digits(std::max(1, c.pattern.min_length()), c.pattern.max_length(),
                                        c.common.terminator, c.pattern.uses_star() ? "*" : "");
    }
    case ModuleType::kDynamicMenu: {
      std::string keys;
      for (const auto& option : dynamic_options) keys += option.key;
      return InputCollector::for_menu(std::move(keys));
    }
    case ModuleType::kLanguage: {
      std::string keys;
      for (const auto& option : std::get<LanguageSettings>(module.settings).options)
        keys += option.key;
      return InputCollector::for_menu(std::move(keys));
    }
    default:
      return InputCollector::for_menu("");
  }
}

std::optional<std::string> convert_number(const NumberSettings& settings, std::string_view keys) {
  const auto star = keys.find('*');
  std::string_view whole = keys.substr(0, star);
  std::string_view decimals = star == std::string_view::npos ? "" : keys.substr(star + 1);
  if (whole.empty() || decimals.find('*') != std::string_view::npos) return std::nullopt;
  if (star != std::string_view::npos && decimals.empty()) return std::nullopt;  // "12*"
  const int places = static_cast<int>(decimals.size());
  if (places < settings.min_decimals || places > settings.max_decimals) return std::nullopt;
  // Leading zeros are dropped ("007" is 7) but the decimals are kept as typed ("5.50").
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  std::string text(whole);
  if (!decimals.empty()) text += "." + std::string(decimals);
  const auto value = parse_number(text);
  if (!value) return std::nullopt;
  if (settings.min_value && *value < *settings.min_value) return std::nullopt;
  if (settings.max_value && *value > *settings.max_value) return std::nullopt;
  return text;
}

int date_time_length(DateTimeFormat format) {
  switch (format) {
    case DateTimeFormat::kMMYY:
    case DateTimeFormat::kHHMM:
      return 4;
    default:
      return 8;
  }
}

std::optional<std::string> convert_date_time(DateTimeFormat format, std::string_view keys) {
  if (static_cast<int>(keys.size()) != date_time_length(format)) return std::nullopt;
  for (char c : keys) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int y = 0, m = 0, d = 1;
  switch (format) {
    case DateTimeFormat::kHHMM: {
      const int h = digits_at(keys, 0, 2), min = digits_at(keys, 2, 2);
      if (h > 23 || min > 59) return std::nullopt;
      return two(h) + ":" + two(min);
    }
    case DateTimeFormat::kMMYY:
      m = digits_at(keys, 0, 2);
      y = 2000 + digits_at(keys, 2, 2);  // card expiry dates are this century
      if (m < 1 || m > 12) return std::nullopt;
      return four(y) + "-" + two(m);
    case DateTimeFormat::kMMDDYYYY:
      m = digits_at(keys, 0, 2), d = digits_at(keys, 2, 2), y = digits_at(keys, 4, 4);
      break;
    case DateTimeFormat::kDDMMYYYY:
      d = digits_at(keys, 0, 2), m = digits_at(keys, 2, 2), y = digits_at(keys, 4, 4);
      break;
    case DateTimeFormat::kYYYYMMDD:
      y = digits_at(keys, 0, 4), m = digits_at(keys, 4, 2), d = digits_at(keys, 6, 2);
      break;
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return four(y) + "-" + two(m) + "-" + two(d);
}

std::optional<Value> convert_input(const Module& module, std::string_view keys,
                                   const std::vector<DynamicOption>& dynamic_options) {
  std::optional<std::string> text;
  switch (module.type()) {
    case ModuleType::kMenu:
    case ModuleType::kDigits:
      text = std::string(keys);
      break;
    case ModuleType::kNumber:
      text = convert_number(std::get<NumberSettings>(module.settings), keys);
      break;
    case ModuleType::kYesNo:
      if (keys == "1") text = "yes";
      if (keys == "2") text = "no";
      break;
    case ModuleType::kDateTime:
      text = convert_date_time(std::get<DateTimeSettings>(module.settings).format, keys);
      break;
    case ModuleType::kCustomField:
      if (std::get<CustomFieldSettings>(module.settings).pattern.matches(keys))
        text = std::string(keys);
      break;
    case ModuleType::kDynamicMenu:
      for (const auto& option : dynamic_options) {
        if (keys.size() == 1 && option.key == keys[0]) return option.value;
      }
      break;
    case ModuleType::kLanguage:
      for (const auto& option : std::get<LanguageSettings>(module.settings).options) {
        if (keys.size() == 1 && option.key == keys[0]) text = option.language;
      }
      break;
    default:
      break;
  }
  if (!text) return std::nullopt;
  return Value::string(std::move(*text));
}

}  // namespace keyline::flow
