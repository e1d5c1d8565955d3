// Readers for the input modules that share InputCommon: Number, Yes/No, Date/Time, Custom
// Field, Dynamic Menu and Language.
#include <set>

#include "flow/app_module_readers.h"

namespace keyline::flow {

NumberSettings read_number(ValueReader& r, ObjectReader& obj, const AppSettings& settings) {
  NumberSettings out;
  r.read_input_common(obj, settings, out.common, true, true);
  auto min = obj.get("min_decimals");
  auto max = obj.get("max_decimals");
  const bool min_ok = !min || r.read_int(*min, "min_decimals", 0, 10, out.min_decimals);
  const bool max_ok = !max || r.read_int(*max, "max_decimals", 0, 10, out.max_decimals);
  if (min_ok && max_ok && out.min_decimals > out.max_decimals)
    r.diagnostics().add(pos_of(min ? *min : *max), "'min_decimals' is greater than 'max_decimals'");
  for (auto [key, field] :
       {std::pair{"min_value", &out.min_value}, {"max_value", &out.max_value}}) {
    if (auto n = obj.get(key)) {
      std::optional<double> v;
      if (is_plain_scalar(*n)) v = parse_number(n->Scalar());
      if (!v || n->Scalar().empty()) {
        r.diagnostics().add(pos_of(*n), single_quoted(key) + " must be a number");
      } else {
        *field = *v;
      }
    }
  }
  if (out.min_value && out.max_value && *out.min_value > *out.max_value)
    r.diagnostics().add(obj.pos(), "'min_value' is greater than 'max_value'");
  if (out.common.terminator == '*')
    r.diagnostics().add(obj.pos(),
                        "a number module uses * as the decimal point: pick another "
                        "'terminator'");
  return out;
}

bool read_phrase_list(ValueReader& r, const YAML::Node& n, std::string_view key,
                      std::vector<std::string>& out) {
  if (is_json_string(n)) {
    out.push_back(n.Scalar());
    return true;
  }
  if (!n.IsSequence() || n.size() == 0) {
    r.diagnostics().add(pos_of(n),
                        single_quoted(key) + " must be a \"phrase\" or a list of phrases");
    return false;
  }
  for (const auto& item : n) {
    std::string phrase;
    if (r.read_string(item, key, phrase)) out.push_back(std::move(phrase));
  }
  return true;
}

YesNoSettings read_yes_no(ValueReader& r, ObjectReader& obj, const AppSettings& settings) {
  YesNoSettings out;
  r.read_input_common(obj, settings, out.common, true, false);
  return out;
}

DateTimeSettings read_date_time(ValueReader& r, ObjectReader& obj, const AppSettings& settings) {
  DateTimeSettings out;
  r.read_input_common(obj, settings, out.common, true, true, false);
  if (auto n = obj.required("format")) {
    std::string f;
    if (r.read_string(*n, "format", f)) {
      static const std::pair<std::string_view, DateTimeFormat> kFormats[] = {
          {"MMDDYYYY", DateTimeFormat::kMMDDYYYY},
          {"DDMMYYYY", DateTimeFormat::kDDMMYYYY},
          {"YYYYMMDD", DateTimeFormat::kYYYYMMDD},
          {"MMYY", DateTimeFormat::kMMYY},
          {"HHMM", DateTimeFormat::kHHMM}};
      bool found = false;
      for (const auto& [name, format] : kFormats) {
        if (name == f) {
          out.format = format;
          found = true;
        }
      }
      if (!found)
        r.diagnostics().add(pos_of(*n), "unknown 'format' " + single_quoted(f) +
                                            " (use MMDDYYYY, DDMMYYYY, YYYYMMDD, MMYY or HHMM)");
    }
  }
  return out;
}

CustomFieldSettings read_custom_field(ValueReader& r, ObjectReader& obj,
                                      const AppSettings& settings) {
  CustomFieldSettings out;
  r.read_input_common(obj, settings, out.common, true, true);
  if (auto n = obj.required("pattern")) {
    std::string text;
    if (r.read_string(*n, "pattern", text)) {
      auto p = InputPattern::parse(text);
      if (!p) {
        r.diagnostics().add(pos_of(*n), "'pattern' " + p.error().message);
      } else {
        out.pattern = std::move(*p);
        if (out.pattern.uses_star() && out.common.terminator == '*')
          r.diagnostics().add(pos_of(*n), "the pattern uses * and so cannot end on *");
      }
    }
  }
  // What a caller may say (speech input): a JSGF grammar or a phrase list, not both.
  auto grammar = obj.get("grammar");
  auto phrases = obj.get("phrases");
  if (grammar) r.read_string(*grammar, "grammar", out.grammar);
  if (phrases) read_phrase_list(r, *phrases, "phrases", out.phrases);
  if (grammar && phrases)
    r.diagnostics().add(pos_of(*phrases), "give 'grammar' or 'phrases', not both");
  if (out.common.input.speech && out.grammar.empty() && out.phrases.empty())
    r.diagnostics().add(obj.pos(),
                        "a custom_field with speech needs a 'grammar' (JSGF) or 'phrases'");
  return out;
}

DynamicMenuSettings read_dynamic_menu(ValueReader& r, ObjectReader& obj,
                                      const AppSettings& settings) {
  DynamicMenuSettings out;
  r.read_input_common(obj, settings, out.common, false, false, false);
  if (!out.common.prompt_id.id.empty())
    r.diagnostics().add(out.common.prompt_id.pos,
                        "a dynamic_menu takes no 'prompt_id': its options' prompts are spoken "
                        "after its 'prompt'");
  if (auto n = obj.required("options_variable")) {
    if (r.read_string(*n, "options_variable", out.options_variable) && out.options_variable.empty())
      r.diagnostics().add(pos_of(*n), "'options_variable' must name a variable");
  }
  return out;
}

LanguageSettings read_language(ValueReader& r, ObjectReader& obj, const AppSettings& settings) {
  LanguageSettings out;
  r.read_input_common(obj, settings, out.common, true, false, false);
  auto options = obj.required("options");
  if (!options) return out;
  if (!options->IsMap() || options->size() == 0) {
    r.diagnostics().add(pos_of(*options),
                        "'options' must be an object {\"1\": \"en-US\", ...} with at least one "
                        "language");
    return out;
  }
  std::set<char> seen;
  for (auto it = options->begin(); it != options->end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key.size() != 1 || !is_dtmf_key(key[0])) {
      r.diagnostics().add(pos_of(it->first), "language option " + single_quoted(key) +
                                                 " is not a phone key: use one of 0-9, *, #, A-D");
      continue;
    }
    if (!seen.insert(key[0]).second) {
      r.diagnostics().add(pos_of(it->first),
                          "language option " + single_quoted(key) + " is given twice");
      continue;
    }
    LanguageOption option{key[0], ""};
    if (r.read_string(it->second, "language", option.language))
      out.options.push_back(std::move(option));
  }
  return out;
}

}  // namespace keyline::flow
