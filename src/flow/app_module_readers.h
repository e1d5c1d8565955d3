// Internal to the app loader: readers for the settings of each module type added beside the
// first six (those stay in app_parser.cc). Each reports every problem through the reader.
#pragma once

#include "flow/app_document.h"
#include "flow/app_object_reader.h"
#include "flow/app_value_reader.h"

namespace keyline::flow {

SetVariableSettings read_set_variable(ValueReader& r, ObjectReader& obj);
CounterSettings read_counter(ValueReader& r, ObjectReader& obj);
CallLogSettings read_call_log(ValueReader& r, ObjectReader& obj);

NumberSettings read_number(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
YesNoSettings read_yes_no(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
DateTimeSettings read_date_time(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
CustomFieldSettings read_custom_field(ValueReader& r, ObjectReader& obj,
                                      const AppSettings& settings);
DynamicMenuSettings read_dynamic_menu(ValueReader& r, ObjectReader& obj,
                                      const AppSettings& settings);
LanguageSettings read_language(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
RestSettings read_rest(ValueReader& r, ObjectReader& obj);
// A "phrase" or ["phrase", ...] (speech input: menu options, custom fields).
bool read_phrase_list(ValueReader& r, const YAML::Node& n, std::string_view key,
                      std::vector<std::string>& out);
// "phrases": {"1": ["sales", "buy something"], "2": "support"} on a Menu (app_speech.cc).
void read_menu_phrases(ValueReader& r, const YAML::Node& node, MenuSettings& menu);
// A menu with speech on has a phrase for at least one option.
void check_menu_phrases(ValueReader& r, SourcePos pos, const MenuSettings& menu);
// Every module with speech on has a grammar the recognizer accepts (app_speech.cc).
void check_speech_grammars(const AppDocument& app, AppDiagnostics& diagnostics);

// Name and Address modules (app_name_address_module.cc): sets module.settings, and refuses a
// private one that could not recognize anything.
void read_name_address(ValueReader& r, ObjectReader& obj, const AppSettings& settings,
                       ModuleType type, Module& module);

// Record module and settings.record_call (app_record_module.cc).
RecordSettings read_record(ValueReader& r, ObjectReader& obj);
void read_record_call(ValueReader& r, const YAML::Node& node, AppSettings& settings);

// Transfer module (app_transfer_module.cc); then, once every module is read, exits its mode
// cannot take and private values in its target, caller id, headers or keys.
TransferSettings read_transfer(ValueReader& r, ObjectReader& obj);
void check_transfer_modules(const AppDocument& app, AppDiagnostics& diagnostics);

// The prompt table and per-language voices (app_prompts.cc).
void read_prompt_table(ValueReader& r, const YAML::Node& node, AppDocument& app);
void read_voices(ValueReader& r, const YAML::Node& node, AppSettings& settings);
// Every Prompt module's prompt_id is in the table (in the app's language, or any fallback).
void check_prompt_ids(const AppDocument& app, AppDiagnostics& diagnostics);

// Evaluate JS (app_js_modules.cc): scripts are compiled (not run) here, so a syntax error is
// reported at load time with its place in the document.
EvaluateJsSettings read_evaluate_js(ValueReader& r, ObjectReader& obj);
void read_js_libraries(ValueReader& r, const YAML::Node& node, std::vector<JsLibrary>& out);

// Secure apps (app_secure.cc): "secure", "egress" and "audit_acknowledged" of the settings;
// then, once every module is read, acknowledgements that name no module and (in a secure app)
// REST URLs that are not https://.
void read_secure_settings(ValueReader& r, ObjectReader& obj, AppSettings& settings);
void check_secure_app(const AppDocument& app, AppDiagnostics& diagnostics);

// {"Name": "value with {{placeholders}}", ...} (REST and SOAP headers, REST form rows).
void read_header_pairs(ValueReader& r, const YAML::Node& node, std::string_view key,
                       std::vector<std::pair<std::string, std::string>>& out);
// Email, SMS and SOAP (app_message_modules.cc).
EmailSettings read_email(ValueReader& r, ObjectReader& obj);
SmsSettings read_sms(ValueReader& r, ObjectReader& obj);
SoapSettings read_soap(ValueReader& r, ObjectReader& obj);
// A SOAP module's "wsdl", "operation" and "parameters" (app_soap_wsdl.cc): a file beside the
// app is read now and fills the settings; an https URL is kept for the call to fetch.
void read_soap_wsdl(ValueReader& r, ObjectReader& obj, const YAML::Node& wsdl, bool has_version,
                    SoapSettings& out);
// Reads the settings of an Email, SMS or SOAP module into `module` (and refuses a private
// Email or SMS module: neither channel may carry a private value).
void read_service_module(ValueReader& r, ObjectReader& obj, ModuleType type, Module& module);
// ---- Global error handling, confirmation, Go To App (app_error_handling.cc,
// app_goto_app_module.cc) ----
// "settings.errors"; its target is resolved (a bare module name finds its page) and checked
// once every page is read.
void read_error_policy(ValueReader& r, const YAML::Node& node, ErrorPolicy& policy);
void check_error_policy(AppDocument& app, AppDiagnostics& diagnostics);
// "confirm" of an input module (its type and privacy are already known).
void read_confirm(ValueReader& r, const YAML::Node& node, Module& module);
GoToAppSettings read_goto_app(ValueReader& r, ObjectReader& obj);
// Assistant (app_assistant_module.cc).
AssistantSettings read_assistant(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
// Call Recording (app_call_recording_module.cc).
CallRecordingSettings read_call_recording(ValueReader& r, ObjectReader& obj);
// `auth: {type: aws_sigv4}` of settings.post_call.recording (app_recording_upload.cc).
AwsSigV4Settings read_aws_sigv4(ValueReader& r, ObjectReader& auth);

// ---- Post-call web service (issue 7; app_post_call.cc) ----
// "settings.post_call".
void read_post_call(ValueReader& r, const YAML::Node& node, AppSettings& settings);
// The members of an "auth" object of type "oauth2" (app_post_call.cc): token_url (https://),
// client_id, client_secret ("env:NAME" or "file:PATH", never the secret), scope.
OAuth2Settings read_oauth2(ValueReader& r, ObjectReader& auth);

// `auth: {"type": "basic" | "bearer" [| "oauth2"], ...}` of a module that calls a web service
// (rest, assistant): fills out.auth, auth_user / auth_password / auth_token, and out.oauth2
// for the modules whose settings have one. `what` names the object in diagnostics.
template <typename Settings>
void read_web_auth(ValueReader& r, const YAML::Node& node, const std::string& what, Settings& out) {
  constexpr bool kOAuth2 = requires { out.oauth2; };
  ObjectReader auth(node, what, r.diagnostics());
  if (!auth.is_object()) return;
  std::string type;
  if (auto t = auth.required("type")) r.read_string(*t, "type", type);
  auto user = auth.get("user");
  auto password = auth.get("password");
  auto token = auth.get("token");
  if (type == "basic") {
    out.auth = Settings::Auth::kBasic;
    if (user) r.read_text(*user, "user", out.auth_user);
    if (password) r.read_text(*password, "password", out.auth_password);
    if (!user) r.diagnostics().add(auth.pos(), "basic auth needs 'user' (and 'password')");
  } else if (type == "bearer") {
    out.auth = Settings::Auth::kBearer;
    if (token) {
      r.read_text(*token, "token", out.auth_token);
    } else {
      r.diagnostics().add(auth.pos(), "bearer auth needs 'token'");
    }
  } else if (kOAuth2 && type == "oauth2") {
    if constexpr (kOAuth2) out.oauth2 = read_oauth2(r, auth);
  } else if (!type.empty()) {
    r.diagnostics().add(auth.pos(), kOAuth2
                                        ? "'auth' type must be \"basic\", \"bearer\" or \"oauth2\""
                                        : "'auth' type must be \"basic\" or \"bearer\"");
  }
  auth.finish();
}
// ---- Subdialog (issue 7; app_subdialog_module.cc) ----
// Its privacy is known: a GET that may carry values is refused in a secure app (or a private
// module), warned about otherwise.
SubdialogSettings read_subdialog(ValueReader& r, ObjectReader& obj, const Module& module,
                                 const AppSettings& settings);
// The "variables_in" / "variables_out" of Go To App and Subdialog (app_goto_app_module.cc).
void read_sub_app_variables(ValueReader& r, ObjectReader& obj,
                            std::vector<std::pair<std::string, Expression>>& in,
                            std::vector<std::string>& out);

}  // namespace keyline::flow
