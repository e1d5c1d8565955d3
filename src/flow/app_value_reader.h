// Internal to the app loader: reading typed settings (strings, prompt texts, names, numbers,
// booleans, input timeouts) out of yaml-cpp nodes, each problem reported with its position.
// Shared by the document reader (app_parser.cc) and the module readers (app_*_modules.cc).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/strings.h"
#include "flow/app_diagnostics.h"
#include "flow/app_document.h"
#include "flow/app_object_reader.h"
#include "flow/variables.h"

namespace keyline::flow {

inline bool is_dtmf_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

// Module names become variable names, so they follow variable-name rules.
inline bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

class ValueReader {
 public:
  explicit ValueReader(AppDiagnostics& diagnostics) : diag_(diagnostics) {}
  AppDiagnostics& diagnostics() { return diag_; }

  bool read_string(const YAML::Node& n, std::string_view key, std::string& out) {
    if (!is_json_string(n)) {
      diag_.add(pos_of(n), single_quoted(key) + " must be a \"quoted\" string");
      return false;
    }
    out = n.Scalar();
    return true;
  }

  // Prompt texts: a string whose {{placeholders}} are well formed.
  bool read_text(const YAML::Node& n, std::string_view key, std::string& out) {
    if (!read_string(n, key, out)) return false;
    if (auto problem = check_template(out)) {
      diag_.add(pos_of(n), single_quoted(key) + ": " + *problem);
      return false;
    }
    return true;
  }

  bool read_name(const YAML::Node& n, std::string_view key, std::string& out) {
    if (!read_string(n, key, out)) return false;
    if (!is_identifier(out)) {
      diag_.add(pos_of(n), single_quoted(key) + " " + single_quoted(out) +
                               " must start with a letter or _ and use only letters, digits "
                               "and _ (it is also a variable name)");
      return false;
    }
    return true;
  }

  // A variable a module writes: identifiers joined by dots ("customer.name"); the session.*
  // variables belong to the call and cannot be written.
  bool read_variable_name(const YAML::Node& n, std::string_view key, std::string& out) {
    if (!read_string(n, key, out)) return false;
    bool ok = !out.empty();
    for (auto part : split(out, '.')) ok = ok && is_identifier(part);
    if (!ok) {
      diag_.add(pos_of(n), single_quoted(key) + " " + single_quoted(out) +
                               " must be names of letters, digits and _ joined by dots");
      return false;
    }
    if (out == "session" || out.rfind("session.", 0) == 0) {
      diag_.add(pos_of(n), single_quoted(key) + ": the session variables cannot be set by the app");
      return false;
    }
    return true;
  }

  bool read_int(const YAML::Node& n, std::string_view key, int min, int max, int& out) {
    std::optional<int> v;
    if (is_plain_scalar(n)) v = parse_int<int>(n.Scalar());
    if (!v || *v < min || *v > max) {
      diag_.add(pos_of(n), single_quoted(key) + " must be a whole number from " +
                               std::to_string(min) + " to " + std::to_string(max));
      return false;
    }
    out = *v;
    return true;
  }

  bool read_ms(const YAML::Node& n, std::string_view key, int min, int max,
               std::chrono::milliseconds& out) {
    int v = 0;
    if (!read_int(n, key, min, max, v)) return false;
    out = std::chrono::milliseconds(v);
    return true;
  }

  bool read_bool(const YAML::Node& n, std::string_view key, bool& out) {
    if (is_plain_scalar(n) && (n.Scalar() == "true" || n.Scalar() == "false")) {
      out = n.Scalar() == "true";
      return true;
    }
    diag_.add(pos_of(n), single_quoted(key) + " must be true or false");
    return false;
  }

  void read_comment(const YAML::Node& n) {
    std::string ignored;
    read_string(n, "comment", ignored);
  }

  // Timeouts, retries and barge-in: the same keys in app settings ("input") and on input
  // modules, where they override the app's defaults.
  void read_input_keys(ObjectReader& obj, InputSettings& input, bool with_inter_digit,
                       bool speech_allowed = true) {
    if (auto n = obj.get("initial_timeout_ms"))
      read_ms(*n, "initial_timeout_ms", 100, 120000, input.initial_timeout);
    if (with_inter_digit) {
      if (auto n = obj.get("inter_digit_timeout_ms"))
        read_ms(*n, "inter_digit_timeout_ms", 100, 60000, input.inter_digit_timeout);
    }
    if (auto n = obj.get("retries")) read_int(*n, "retries", 0, 10, input.retries);
    if (auto n = obj.get("barge_in")) read_bool(*n, "barge_in", input.barge_in);
    read_speech_keys(obj, input, speech_allowed);
  }

  // "speech" and "confidence". A module type that only takes keys rejects "speech" when it is
  // written on the module and ignores the app-wide default.
  void read_speech_keys(ObjectReader& obj, InputSettings& input, bool speech_allowed) {
    if (auto n = obj.get("speech")) {
      if (read_bool(*n, "speech", input.speech) && input.speech && !speech_allowed)
        diag_.add(pos_of(*n), "'speech': this module type takes keys only");
    }
    if (!speech_allowed) input.speech = false;
    if (auto n = obj.get("confidence")) {
      std::optional<double> v;
      if (is_plain_scalar(*n)) v = parse_number(n->Scalar());
      if (!v || *v < 0 || *v > 1) {
        diag_.add(pos_of(*n), "'confidence' must be a number from 0 to 1");
      } else {
        input.confidence = *v;
      }
    }
  }

  // Prompts, terminator and timeouts of the input modules that share InputCommon.
  void read_input_common(ObjectReader& obj, const AppSettings& settings, InputCommon& common,
                         bool prompt_required, bool with_terminator, bool speech_allowed = true) {
    common.input = settings.input;
    const bool has_id = read_prompt_id(obj, common.prompt_id);
    if (prompt_required && !has_id) {
      if (auto n = obj.required("prompt")) read_text(*n, "prompt", common.prompt);
    } else if (auto n = obj.get("prompt")) {
      read_text(*n, "prompt", common.prompt);
    }
    if (auto n = obj.get("noinput_prompt")) read_text(*n, "noinput_prompt", common.noinput_prompt);
    if (auto n = obj.get("nomatch_prompt")) read_text(*n, "nomatch_prompt", common.nomatch_prompt);
    read_input_keys(obj, common.input, with_terminator, speech_allowed);
    if (!with_terminator) {
      common.terminator = '\0';
      return;
    }
    if (auto n = obj.get("terminator")) read_terminator(*n, common.terminator);
  }

  void read_terminator(const YAML::Node& n, char& out) {
    std::string key;
    if (!read_string(n, "terminator", key)) return;
    if (key.empty()) {
      out = '\0';
    } else if (key.size() == 1 && is_dtmf_key(key[0]) && !(key[0] >= '0' && key[0] <= '9')) {
      out = key[0];
    } else {
      diag_.add(pos_of(n), "'terminator' must be one of *, #, A-D, or \"\" for none");
    }
  }

  // "prompt_id": an id of the app's prompt table (checked against the table after parsing).
  bool read_prompt_id(ObjectReader& obj, InputPromptId& out) {
    auto n = obj.get("prompt_id");
    if (!n || !read_string(*n, "prompt_id", out.id)) return false;
    out.pos = pos_of(*n);
    return !out.id.empty();
  }

  template <class InputModule>
  void read_prompts(ObjectReader& obj, InputModule& m) {
    const bool has_id = read_prompt_id(obj, m.prompt_id);
    if (auto n = has_id ? obj.get("prompt") : obj.required("prompt"))
      read_text(*n, "prompt", m.prompt);
    if (auto n = obj.get("noinput_prompt")) read_text(*n, "noinput_prompt", m.noinput_prompt);
    if (auto n = obj.get("nomatch_prompt")) read_text(*n, "nomatch_prompt", m.nomatch_prompt);
  }

 protected:
  AppDiagnostics& diag_;
};

}  // namespace keyline::flow
