// parse_app: JSON text -> checked AppDocument. The format is described in docs/apps.md.
//
// Three passes, each reporting every problem it finds: a strict JSON syntax check (exact
// positions for typos), a structural read through yaml-cpp (which keeps a line/column Mark on
// every node), then the cross-reference check in app_links.cc.
#include <yaml-cpp/yaml.h>

#include <set>

#include "base/strings.h"
#include "flow/app_diagnostics.h"
#include "flow/app_document.h"
#include "flow/app_module_readers.h"
#include "flow/app_object_reader.h"
#include "flow/app_value_reader.h"
#include "flow/json_syntax.h"
#include "flow/variables.h"

namespace keyline::flow {
namespace {

struct ModuleTypeInfo {
  std::string_view name;
  ModuleType type;
  std::vector<std::string_view> exits;  // exit names the "exits" object may wire
};

const std::vector<ModuleTypeInfo>& module_types() {
  static const std::vector<ModuleTypeInfo> kTypes = {
      {"prompt", ModuleType::kPrompt, {"next"}},
      {"menu", ModuleType::kMenu, {"noinput", "nomatch"}},
      {"digits", ModuleType::kDigits, {"success", "noinput", "nomatch"}},
      {"compare_variable", ModuleType::kCompareVariable, {"next"}},
      {"goto_page", ModuleType::kGoToPage, {}},
      {"exit", ModuleType::kExit, {}},
      {"set_variable", ModuleType::kSetVariable, {"next", "error"}},
      {"counter", ModuleType::kCounter, {"under_limit", "limit_reached"}},
      {"call_log", ModuleType::kCallLog, {"next"}},
      {"label", ModuleType::kLabel, {"next"}},
      {"number", ModuleType::kNumber, {"success", "noinput", "nomatch"}},
      {"yes_no", ModuleType::kYesNo, {"success", "yes", "no", "noinput", "nomatch"}},
      {"date_time", ModuleType::kDateTime, {"success", "noinput", "nomatch"}},
      {"custom_field", ModuleType::kCustomField, {"success", "noinput", "nomatch"}},
      {"dynamic_menu", ModuleType::kDynamicMenu, {"success", "noinput", "nomatch", "error"}},
      {"language", ModuleType::kLanguage, {"success", "noinput", "nomatch"}},
      {"rest", ModuleType::kRest, {"success", "error", "timeout"}},
      {"evaluate_js", ModuleType::kEvaluateJs, {"success", "error"}},
      {"record", ModuleType::kRecord, {"done", "noinput", "error"}},
      {"transfer",
       ModuleType::kTransfer,
       {"done", "noanswer", "busy", "far_end_disconnect", "maxtime_disconnect", "error"}},
      {"email", ModuleType::kEmail, {"done", "error"}},
      {"soap", ModuleType::kSoap, {"success", "error", "timeout"}},
      {"sms", ModuleType::kSms, {"done", "error"}},
      {"goto_app", ModuleType::kGoToApp, {"done", "error"}},
      {"subdialog", ModuleType::kSubdialog, {"done", "error", "timeout"}},
      {"name", ModuleType::kName, {"done", "noinput", "nomatch", "error"}},
      {"address", ModuleType::kAddress, {"done", "noinput", "nomatch", "error"}},
      {"assistant", ModuleType::kAssistant, {"done", "error"}},
      {"call_recording", ModuleType::kCallRecording, {"done", "error"}},
  };
  return kTypes;
}

class AppReader : public ValueReader {
 public:
  explicit AppReader(AppDiagnostics& diagnostics) : ValueReader(diagnostics) {}

  AppDocument read(const YAML::Node& root) {
    AppDocument app;
    ObjectReader obj(root, "the app", diag_);
    if (!obj.is_object()) return app;
    if (auto n = obj.required("name")) read_string(*n, "name", app.name);
    // Settings first: their input defaults are folded into every module read after.
    if (auto n = obj.get("settings")) read_settings(*n, app.settings);
    std::optional<YAML::Node> start = obj.get("start_page");
    if (start) read_string(*start, "start_page", app.start_page);
    if (auto n = obj.get("variables")) read_app_variables(*n, app);
    if (auto n = obj.get("prompts")) read_prompt_table(*this, *n, app);
    if (auto n = obj.required("pages")) read_pages(*n, app);
    if (auto n = obj.get("comment")) read_comment(*n);
    obj.finish();
    check_start_page(app, start);
    return app;
  }

 private:
  // JSON (through yaml-cpp) to Value. Depth is bounded by json_syntax's nesting limit.
  Value to_value(const YAML::Node& n) {
    if (n.IsMap()) {
      Value::Map members;
      for (auto it = n.begin(); it != n.end(); ++it)
        members.emplace_back(it->first.Scalar(), to_value(it->second));
      return Value::map(std::move(members));
    }
    if (n.IsSequence()) {
      Value::List items;
      for (const auto& item : n) items.push_back(to_value(item));
      return Value::list(std::move(items));
    }
    if (is_json_string(n)) return Value::string(n.Scalar());
    if (n.Scalar() == "true" || n.Scalar() == "false") return Value::boolean(n.Scalar() == "true");
    if (auto d = parse_number(n.Scalar()); d && !n.Scalar().empty()) return Value::number(*d);
    return Value();  // null
  }

  void read_app_variables(const YAML::Node& node, AppDocument& app) {
    if (!node.IsMap()) {
      diag_.add(pos_of(node), "'variables' must be an object {\"name\": value, ...}");
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string name;
      if (read_variable_name(it->first, "variables", name))
        app.variables.emplace_back(name, to_value(it->second));
    }
  }

  void read_settings(const YAML::Node& node, AppSettings& settings) {
    ObjectReader obj(node, "settings", diag_);
    if (!obj.is_object()) return;
    if (auto n = obj.get("language")) read_string(*n, "language", settings.language);
    if (auto n = obj.get("voice")) read_string(*n, "voice", settings.voice);
    if (auto n = obj.get("voices")) read_voices(*this, *n, settings);
    if (auto n = obj.get("prompts_dir")) {
      settings.prompts_dir_pos = pos_of(*n);
      read_string(*n, "prompts_dir", settings.prompts_dir);
    }
    if (auto n = obj.get("js_libraries")) read_js_libraries(*this, *n, settings.js_libraries);
    read_secure_settings(*this, obj, settings);
    if (auto n = obj.get("record_call")) read_record_call(*this, *n, settings);
    if (auto n = obj.get("errors")) read_error_policy(*this, *n, settings.errors);
    if (auto n = obj.get("post_call")) read_post_call(*this, *n, settings);
    if (auto n = obj.get("input")) {
      ObjectReader input(*n, "settings.input", diag_);
      if (input.is_object()) {
        read_input_keys(input, settings.input, true);
        input.finish();
      }
    }
    obj.finish();
  }

  void read_pages(const YAML::Node& node, AppDocument& app) {
    if (!node.IsSequence() || node.size() == 0) {
      diag_.add(pos_of(node), "'pages' must be a list [ ... ] with at least one page");
      return;
    }
    for (const auto& page_node : node) {
      ObjectReader obj(page_node, "a page", diag_);
      if (!obj.is_object()) continue;
      Page page;
      page.pos = obj.pos();
      if (auto n = obj.required("name")) read_string(*n, "name", page.name);
      if (auto n = obj.required("modules")) read_modules(*n, app.settings, page);
      if (auto n = obj.get("comment")) read_comment(*n);
      obj.finish();
      app.pages.push_back(std::move(page));
    }
  }

  void read_modules(const YAML::Node& node, const AppSettings& settings, Page& page) {
    if (!node.IsSequence()) {
      diag_.add(pos_of(node), "'modules' must be a list [ ... ]");
      return;
    }
    for (const auto& module_node : node) {
      if (auto module = read_module(module_node, settings, page.name))
        page.modules.push_back(std::move(*module));
    }
  }

  std::optional<Module> read_module(const YAML::Node& node, const AppSettings& settings,
                                    const std::string& page) {
    if (!node.IsMap()) {
      diag_.add(pos_of(node), "a module must be an object { ... }");
      return std::nullopt;
    }
    Module module;
    module.pos = pos_of(node);
    std::optional<YAML::Node> type_node, name_node;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.Scalar() == "type") type_node = it->second;
      if (it->first.Scalar() == "name") name_node = it->second;
    }
    if (!type_node) {
      diag_.add(module.pos, "a module is missing the required key 'type'");
      return std::nullopt;
    }
    const ModuleTypeInfo* info = find_type(*type_node);
    if (!info) {
      // Its other keys cannot be checked without a type. Keep its name so that exits leading
      // to it are not reported as broken too.
      if (name_node && is_json_string(*name_node)) module.name = name_node->Scalar();
      module.settings = ExitSettings{};
      return module;
    }
    ObjectReader typed(node, std::string(info->name) + " module", diag_);
    typed.get("type");
    if (auto n = typed.required("name")) read_name(*n, "name", module.name);
    if (auto n = typed.get("private")) {
      read_bool(*n, "private", module.is_private);
      module.private_opt_out =
          settings.secure && !module.is_private && private_in_secure_app(info->type);
    } else if (settings.secure) {
      module.is_private = private_in_secure_app(info->type);
    }
    if (auto n = typed.get("comment")) read_comment(*n);
    switch (info->type) {
      case ModuleType::kPrompt:
        module.settings = read_prompt(typed, settings);
        break;
      case ModuleType::kMenu:
        module.settings = read_menu(typed, settings, page);
        break;
      case ModuleType::kDigits:
        module.settings = read_digits(typed, settings);
        break;
      case ModuleType::kCompareVariable:
        module.settings = read_compare(typed, page);
        break;
      case ModuleType::kGoToPage:
        module.settings = read_goto_page(typed);
        break;
      case ModuleType::kExit:
        module.settings = ExitSettings{};
        break;
      case ModuleType::kSetVariable:
        module.settings = read_set_variable(*this, typed);
        break;
      case ModuleType::kCounter:
        module.settings = read_counter(*this, typed);
        break;
      case ModuleType::kCallLog:
        module.settings = read_call_log(*this, typed);
        break;
      case ModuleType::kLabel:
        if (auto n = typed.get("text")) read_comment(*n);  // a sticky note: any string
        module.settings = LabelSettings{};
        break;
      case ModuleType::kNumber:
        module.settings = read_number(*this, typed, settings);
        break;
      case ModuleType::kYesNo:
        module.settings = read_yes_no(*this, typed, settings);
        break;
      case ModuleType::kDateTime:
        module.settings = read_date_time(*this, typed, settings);
        break;
      case ModuleType::kCustomField:
        module.settings = read_custom_field(*this, typed, settings);
        break;
      case ModuleType::kDynamicMenu:
        module.settings = read_dynamic_menu(*this, typed, settings);
        break;
      case ModuleType::kLanguage:
        module.settings = read_language(*this, typed, settings);
        break;
      case ModuleType::kRest:
        module.settings = read_rest(*this, typed);
        break;
      case ModuleType::kEvaluateJs:
        module.settings = read_evaluate_js(*this, typed);
        break;
      case ModuleType::kRecord:
        module.settings = read_record(*this, typed);
        // A private recording would keep the caller's secret on disk, the one place private
        // data must never go: refused rather than silently kept or silently dropped.
        if (module.is_private)
          diag_.add(module.pos,
                    "a record module cannot be private: a recording of a private "
                    "answer would keep it on disk (collect it with an input module)");
        break;
      case ModuleType::kTransfer:
        module.settings = read_transfer(*this, typed);
        break;
      case ModuleType::kEmail:
      case ModuleType::kSms:
      case ModuleType::kSoap:
        read_service_module(*this, typed, info->type, module);  // app_message_modules.cc
        break;
      case ModuleType::kGoToApp:
        module.settings = read_goto_app(*this, typed);
        break;
      case ModuleType::kSubdialog:
        module.settings = read_subdialog(*this, typed, module, settings);
        break;
      case ModuleType::kName:  // app_name_address_module.cc
      case ModuleType::kAddress:
        read_name_address(*this, typed, settings, info->type, module);
        break;
      case ModuleType::kAssistant:
        module.settings = read_assistant(*this, typed, settings);
        break;
      case ModuleType::kCallRecording:  // app_call_recording_module.cc
        module.settings = read_call_recording(*this, typed);
        break;
    }
    if (module.is_input()) {
      if (auto n = typed.get("confirm")) read_confirm(*this, *n, module);
    }
    if (!info->exits.empty()) {
      if (auto n = typed.get("exits")) read_exits(*n, *info, page, module.exits);
    }
    typed.finish();
    return module;
  }

  const ModuleTypeInfo* find_type(const YAML::Node& n) {
    std::string name;
    if (!read_string(n, "type", name)) return nullptr;
    std::string list;
    for (const auto& info : module_types()) {
      if (info.name == name) return &info;
      list += (list.empty() ? "" : ", ") + std::string(info.name);
    }
    diag_.add(pos_of(n),
              "unknown module type " + single_quoted(name) + " (known types: " + list + ")");
    return nullptr;
  }

  PromptSettings read_prompt(ObjectReader& obj, const AppSettings& settings) {
    PromptSettings prompt;
    prompt.barge_in = settings.input.barge_in;
    auto id = obj.get("prompt_id");  // with an id, the text is only the TTS fallback
    if (id && read_string(*id, "prompt_id", prompt.prompt_id)) prompt.prompt_id_pos = pos_of(*id);
    if (auto n = id ? obj.get("text") : obj.required("text")) read_text(*n, "text", prompt.text);
    if (auto n = obj.get("barge_in")) read_bool(*n, "barge_in", prompt.barge_in);
    if (auto n = obj.get("exclude_from_cache"))
      read_bool(*n, "exclude_from_cache", prompt.exclude_from_cache);
    return prompt;
  }

  MenuSettings read_menu(ObjectReader& obj, const AppSettings& settings, const std::string& page) {
    MenuSettings menu;
    menu.input = settings.input;
    read_prompts(obj, menu);
    read_input_keys(obj, menu.input, false);
    auto options = obj.required("options");
    if (!options) return menu;
    if (!options->IsMap() || options->size() == 0) {
      diag_.add(pos_of(*options),
                "'options' must be an object {\"1\": target, ...} with at "
                "least one option");
      return menu;
    }
    std::set<char> seen;
    for (auto it = options->begin(); it != options->end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key.size() != 1 || !is_dtmf_key(key[0])) {
        diag_.add(pos_of(it->first), "menu option " + single_quoted(key) +
                                         " is not a phone key: use one of 0-9, *, #, A-D");
        continue;
      }
      if (!seen.insert(key[0]).second) {
        diag_.add(pos_of(it->first), "menu option " + single_quoted(key) + " is given twice");
        continue;
      }
      if (auto target = read_target(it->second, page))
        menu.options.push_back(MenuOption{key[0], std::move(*target), {}});
    }
    if (auto phrases = obj.get("phrases")) read_menu_phrases(*this, *phrases, menu);
    if (menu.input.speech) check_menu_phrases(*this, obj.pos(), menu);
    return menu;
  }

  DigitsSettings read_digits(ObjectReader& obj, const AppSettings& settings) {
    DigitsSettings digits;
    digits.input = settings.input;
    read_prompts(obj, digits);
    read_input_keys(obj, digits.input, true);
    auto min = obj.get("min_digits");
    auto max = obj.get("max_digits");
    const bool min_ok = !min || read_int(*min, "min_digits", 1, 128, digits.min_digits);
    const bool max_ok = !max || read_int(*max, "max_digits", 1, 128, digits.max_digits);
    if (min_ok && max_ok && digits.min_digits > digits.max_digits) {
      diag_.add(pos_of(min ? *min : *max), "'min_digits' (" + std::to_string(digits.min_digits) +
                                               ") is greater than 'max_digits' (" +
                                               std::to_string(digits.max_digits) + ")");
    }
    if (auto n = obj.get("terminator")) {
      std::string key;
      if (read_string(*n, "terminator", key)) {
        if (key.empty()) {
          digits.terminator = '\0';
        } else if (key.size() == 1 && is_dtmf_key(key[0]) && !(key[0] >= '0' && key[0] <= '9')) {
          digits.terminator = key[0];
        } else {
          diag_.add(pos_of(*n), "'terminator' must be one of *, #, A-D, or \"\" for none");
        }
      }
    }
    return digits;
  }

  std::optional<CompareOp> read_operator(const YAML::Node& n) {
    std::string op;
    if (!read_string(n, "operator", op)) return std::nullopt;
    if (op == "=" || op == "==") return CompareOp::kEqual;
    if (op == "!=") return CompareOp::kNotEqual;
    if (op == ">") return CompareOp::kGreater;
    if (op == "<") return CompareOp::kLess;
    if (op == ">=") return CompareOp::kGreaterEqual;
    if (op == "<=") return CompareOp::kLessEqual;
    diag_.add(pos_of(n), "unknown operator " + single_quoted(op) + " (use =, !=, >, <, >=, <=)");
    return std::nullopt;
  }

  CompareSettings read_compare(ObjectReader& obj, const std::string& page) {
    CompareSettings compare;
    if (auto n = obj.get("compare_as")) {
      std::string as;
      if (read_string(*n, "compare_as", as)) {
        if (as == "string") {
          compare.compare_as = CompareType::kString;
        } else if (as == "number") {
          compare.compare_as = CompareType::kNumber;
        } else if (as == "boolean") {
          compare.compare_as = CompareType::kBoolean;
        } else {
          diag_.add(pos_of(*n), "'compare_as' must be \"string\", \"number\" or \"boolean\"");
        }
      }
    }
    auto conditions = obj.required("conditions");
    if (!conditions) return compare;
    if (!conditions->IsSequence() || conditions->size() == 0) {
      diag_.add(pos_of(*conditions), "'conditions' must be a list [ ... ] with at least one row");
      return compare;
    }
    for (const auto& row_node : *conditions) {
      ObjectReader row_obj(row_node, "a condition", diag_);
      if (!row_obj.is_object()) continue;
      CompareRow row;
      auto variable = row_obj.get("variable");
      auto expression = row_obj.get("expression");
      if (variable) read_string(*variable, "variable", row.variable);
      if (expression) read_text(*expression, "expression", row.expression);
      if (variable.has_value() == expression.has_value())
        diag_.add(row_obj.pos(), "a condition needs exactly one of 'variable' or 'expression'");
      if (auto n = row_obj.required("operator")) {
        if (auto op = read_operator(*n)) row.op = *op;
      }
      if (auto n = row_obj.required("value")) {
        // A number is as good as a string here: 1000 and "1000" compare alike.
        if (n->IsScalar() && !(is_plain_scalar(*n) && n->Scalar() == "null")) {
          row.value = n->Scalar();
          if (auto problem = check_template(row.value))
            diag_.add(pos_of(*n), "'value': " + *problem);
        } else {
          diag_.add(pos_of(*n), "'value' must be a string or a number");
        }
      }
      if (auto n = row_obj.required("goto")) {
        if (auto target = read_target(*n, page)) row.target = std::move(*target);
      }
      row_obj.finish();
      compare.rows.push_back(std::move(row));
    }
    return compare;
  }

  GoToPageSettings read_goto_page(ObjectReader& obj) {
    GoToPageSettings go;
    if (auto n = obj.required("page")) {
      go.target.pos = pos_of(*n);
      read_string(*n, "page", go.target.page);
    }
    return go;
  }

  // "module_name" (same page) or {"page": "P"} or {"page": "P", "module": "M"}.
  std::optional<Target> read_target(const YAML::Node& n, const std::string& page) {
    Target target;
    target.pos = pos_of(n);
    if (is_json_string(n)) {
      target.page = page;
      target.module = n.Scalar();
      return target;
    }
    if (!n.IsMap()) {
      diag_.add(pos_of(n), "a target must be a module name \"name\" or {\"page\": \"name\"}");
      return std::nullopt;
    }
    ObjectReader obj(n, "a target", diag_);
    bool ok = false;
    if (auto p = obj.required("page")) ok = read_string(*p, "page", target.page);
    if (auto m = obj.get("module")) ok = read_string(*m, "module", target.module) && ok;
    obj.finish();
    if (!ok) return std::nullopt;
    return target;
  }

  void read_exits(const YAML::Node& node, const ModuleTypeInfo& info, const std::string& page,
                  std::map<std::string, Target>& exits) {
    ObjectReader obj(node, "'exits' of a " + std::string(info.name) + " module", diag_);
    if (!obj.is_object()) return;
    for (auto exit_name : info.exits) {
      if (auto n = obj.get(exit_name)) {
        if (auto target = read_target(*n, page)) exits[std::string(exit_name)] = *target;
      }
    }
    obj.finish();
  }

  void check_start_page(AppDocument& app, const std::optional<YAML::Node>& start) {
    if (app.pages.empty()) return;
    if (app.start_page.empty()) {
      app.start_page = app.pages.front().name;
    } else if (!app.find_page(app.start_page)) {
      diag_.add(pos_of(*start), "'start_page' " + single_quoted(app.start_page) + " is not a page");
    }
  }
};

}  // namespace

Result<AppDocument> parse_app(std::string_view json_text, std::string_view file_name) {
  AppDiagnostics diagnostics(file_name);
  if (auto syntax = check_json_syntax(json_text)) {
    diagnostics.add(SourcePos{syntax->line, syntax->column}, syntax->message);
    return make_error("app", diagnostics.text());
  }
  try {
    const YAML::Node root = YAML::Load(std::string(json_text));
    AppDocument app = AppReader(diagnostics).read(root);
    app.file_name = std::string(file_name);
    check_app_links(app, diagnostics);
    check_error_policy(app, diagnostics);
    check_prompt_ids(app, diagnostics);
    check_secure_app(app, diagnostics);
    check_speech_grammars(app, diagnostics);
    check_transfer_modules(app, diagnostics);
    if (!diagnostics.empty()) return make_error("app", diagnostics.text());
    return app;
  } catch (const YAML::Exception& e) {
    // Valid JSON that yaml-cpp still refuses (e.g. a key over 1024 characters).
    diagnostics.add(SourcePos{e.mark.line + 1, e.mark.column + 1}, e.msg);
    return make_error("app", diagnostics.text());
  } catch (const std::exception& e) {
    diagnostics.add(SourcePos{1, 1}, std::string("cannot read the document: ") + e.what());
    return make_error("app", diagnostics.text());
  }
}

}  // namespace keyline::flow
