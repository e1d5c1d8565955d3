// AppDocument: a call-flow application as written by an app builder (docs/apps.md), already
// checked — every exit target names a page/module that exists, every number is in range, and
// app-wide input defaults are folded into each module, so the interpreter never re-validates.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "flow/expression.h"
#include "flow/input_pattern.h"
#include "flow/js_sandbox.h"
#include "flow/transfer_request.h"
#include "flow/web_request.h"

namespace keyline::flow {

// Where something was written in the source document (1-based; 0 = unknown).
struct SourcePos {
  int line = 0;
  int column = 0;
};

// Timeouts, retries and barge-in for input modules. App settings give the defaults; an input
// module may override any of them.
struct InputSettings {
  std::chrono::milliseconds initial_timeout{5000};
  std::chrono::milliseconds inter_digit_timeout{3000};
  int retries = 2;  // re-prompts after a no-input / no-match before taking that exit
  bool barge_in = true;
  // Speech input (docs/apps.md#speech-input): the module also listens for the caller's words;
  // keys still work and the first answer wins. Date/Time, Dynamic Menu and Language are keys
  // only. A result below `confidence` (0..1) is a no-match.
  bool speech = false;
  double confidence = 0.5;
};

// Global error handling ("settings.errors", docs/apps.md): what happens when an input module
// has used up its re-prompts (`input.retries`) and the exit it would take (noinput / nomatch)
// is not wired. Without a policy the call hangs up, as before policies existed.
struct ErrorPolicy {
  enum class Action { kHangup, kGoto, kTransfer } action = Action::kHangup;
  std::string prompt;  // said first (a goodbye before hanging up); may be empty
  // goto: any page/module; transfer: the module that transfers the call (until the Transfer
  // module lands, any module: the policy goes to it like goto).
  std::string target_page;
  std::string target_module;
  SourcePos target_pos;
  SourcePos pos;
  bool given = false;
};

// One entry of "audit_acknowledged": "module: kind" accepts the audit's findings of that kind at
// that module (privacy_audit.h lists the kinds).
struct AuditAcknowledgement {
  std::string module;
  std::string kind;
  SourcePos pos;
};

struct PostCallSettings;  // flow/post_call.h

struct AppSettings {
  std::string language = "en-US";
  std::string voice;  // for `language` ("" = its default voice); other languages: `voices`
  std::map<std::string, std::string> voices;  // language -> voice ("voices" in the document)
  InputSettings input;
  std::vector<JsLibrary> js_libraries;  // run before every Evaluate JS script, in this order
  // Bulk prompt import: <prompts_dir>/<language>/<prompt id>.<wav|ul|al|l16>, relative to the
  // document's folder. Empty: only the "prompts" table.
  std::string prompts_dir;
  SourcePos prompts_dir_pos;

  // Secure apps (docs/apps.md, "Secure apps"): every module that collects, computes, fetches or
  // writes a value is private unless it says "private": false; REST goes over https:// only;
  // `keyline validate` and the server refuse the app while the audit has an unacknowledged
  // error.
  bool secure = false;
  // Audit findings the builder has reviewed and accepts ("audit_acknowledged").
  std::vector<AuditAcknowledgement> audit_acknowledged;
  // Hosts this app's REST modules may call ("egress"): narrows the server's http.egress.allow,
  // never widens it. Entries: "api.example.com", "*.example.com". Not given: the server's list.
  std::optional<std::vector<std::string>> egress;
  SourcePos egress_pos;
  // Whole-call recording ("record_call": "off" | "stereo" | "mixed"): both directions, paused
  // while any private input module collects input.
  enum class CallRecording { kOff, kStereo, kMixed } record_call = CallRecording::kOff;
  ErrorPolicy errors;  // "errors" (global error handling)
  // ---- Post-call web service (issue 7) ----
  // "post_call": the request sent for every call that ends (flow/post_call.h); null: none.
  std::shared_ptr<const PostCallSettings> post_call;
};

// One row of the app's prompt table ("prompts": {language: {id: text | {file, text}}}). A
// Prompt module names the id; the host plays the file, or speaks the text when there is no
// file or it cannot be played.
struct PromptEntry {
  std::string language;
  std::string id;
  std::string file;  // as written: relative to the document's folder; may be empty
  std::string text;  // fixed TTS text (no {{placeholders}}); may be empty
  SourcePos pos;
  SourcePos file_pos;
};

// Where an exit leads. Both fields are filled after parsing: a bare module name in the document
// means "this module on the same page"; {"page": P} means "the first module of page P".
struct Target {
  std::string page;
  std::string module;
  SourcePos pos;
};

struct PromptSettings {
  std::string text;       // with prompt_id: spoken when the table has no text for the id
  std::string prompt_id;  // an id of the app's prompt table; empty: none
  SourcePos prompt_id_pos;
  bool barge_in = true;
  bool exclude_from_cache = false;  // "do not cache": synthesized, played, discarded
};

struct MenuOption {
  char key = '0';  // '0'-'9', '*', '#', 'A'-'D'
  Target target;
  std::vector<std::string> phrases;  // what a caller may say for it ("phrases"); may be empty
};

// Input modules may name a prompt-table id ("prompt_id") for their prompt: its recording plays
// (else its table text is spoken); `prompt` is then only the fallback text.
struct InputPromptId {
  std::string id;
  SourcePos pos;
};

struct MenuSettings {
  std::string prompt;
  InputPromptId prompt_id;
  std::string noinput_prompt;  // said before the prompt on a re-prompt after silence (optional)
  std::string nomatch_prompt;  // said before the prompt on a re-prompt after a wrong key (optional)
  std::vector<MenuOption> options;
  InputSettings input;
};

struct DigitsSettings {
  std::string prompt;
  InputPromptId prompt_id;
  std::string noinput_prompt;
  std::string nomatch_prompt;
  int min_digits = 1;
  int max_digits = 128;
  char terminator = '#';
  InputSettings input;
};

enum class CompareOp { kEqual, kNotEqual, kGreater, kLess, kGreaterEqual, kLessEqual };
enum class CompareType { kString, kNumber, kBoolean };

struct CompareRow {
  // The left side is either a variable name or a text with {{var}} placeholders.
  std::string variable;
  std::string expression;
  CompareOp op = CompareOp::kEqual;
  std::string value;  // the right side; may contain {{var}} placeholders
  Target target;
};

struct CompareSettings {
  CompareType compare_as = CompareType::kString;
  std::vector<CompareRow> rows;
};

struct GoToPageSettings {
  Target target;  // module is the page's first module
};

struct ExitSettings {};

// Set Variable: rows run top to bottom, so a row may use the rows above it.
struct SetVariableRow {
  std::string name;
  Expression expression;
  SourcePos pos;
};
struct SetVariableSettings {
  std::vector<SetVariableRow> rows;
};

// Counter: the module variable counts passes: `start` + `step` on the first pass, + `step` on
// each later one; under `limit` leaves by under_limit, at or over it by limit_reached.
struct CounterSettings {
  int start = 0;
  int step = 1;
  int limit = 3;
};

struct CallLogSettings {
  std::string text;  // {{placeholders}}; private values are written as [private]
};

struct LabelSettings {};

// What every input module added after Menu and Digits shares.
struct InputCommon {
  std::string prompt;
  InputPromptId prompt_id;
  std::string noinput_prompt;
  std::string nomatch_prompt;
  char terminator = '#';  // '\0' = none (menus never use one)
  InputSettings input;
};

// Number: digits with `*` as the decimal point ("12*50" is 12.50).
struct NumberSettings {
  InputCommon common;
  int min_decimals = 0;
  int max_decimals = 2;
  std::optional<double> min_value;
  std::optional<double> max_value;
};

struct YesNoSettings {  // 1 = yes, 2 = no
  InputCommon common;
};

enum class DateTimeFormat { kMMDDYYYY, kDDMMYYYY, kYYYYMMDD, kMMYY, kHHMM };
struct DateTimeSettings {
  InputCommon common;
  DateTimeFormat format = DateTimeFormat::kMMDDYYYY;
};

struct CustomFieldSettings {
  InputCommon common;
  InputPattern pattern;  // for keys
  // For speech: a JSGF document ("grammar"), or a list of phrases ("phrases"); the value is the
  // words heard.
  std::string grammar;
  std::vector<std::string> phrases;
};

// Dynamic Menu: options from a variable holding [{dtmf, value, prompt: {lang: text}}, ...].
struct DynamicMenuSettings {
  InputCommon common;  // `prompt` is said before the options' own prompts (may be empty)
  std::string options_variable;
};

struct LanguageOption {
  char key = '1';
  std::string language;  // "es-ES"
};
struct LanguageSettings {
  InputCommon common;
  std::vector<LanguageOption> options;
};

// REST: one HTTPS request; the response is parsed into the module variable (docs/apps.md).
enum class RestMethod { kGet, kPost, kPostRaw, kPut, kPatch, kDelete };
enum class RestReturnType { kJson, kText, kEmpty, kCsv, kXml };
struct RestSettings {
  RestMethod method = RestMethod::kGet;
  std::string url;  // {{placeholders}} in the path and query are URL-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // values may hold placeholders
  std::vector<std::pair<std::string, std::string>> form;     // POST rows, URL-encoded
  std::string body;          // POST_RAW / PUT / PATCH (placeholders inserted as they are)
  std::string content_type;  // of `body`; "" = application/json
  RestReturnType return_type = RestReturnType::kJson;
  std::chrono::milliseconds timeout{0};  // 0: the server's default (http.timeout_ms)
  enum class Auth { kNone, kBasic, kBearer } auth = Auth::kNone;
  std::string auth_user;      // basic (placeholders allowed)
  std::string auth_password;  // basic
  std::string auth_token;     // bearer
  std::optional<OAuth2Settings> oauth2;  // auth type oauth2 (client credentials)
  // auth type aws_sigv4: only settings.post_call.recording (an S3-compatible upload).
  std::optional<AwsSigV4Settings> aws_sigv4;
};

// Evaluate JS: a script (or a library function) run in the sandbox (flow/js_sandbox.h). The
// module variable gets the result; `outputs` are globals copied back into variables.
struct EvaluateJsSettings {
  std::string script;                 // global code; the result is its completion value
  std::string function;               // or a function from the app's js_libraries ...
  std::vector<Expression> arguments;  // ... called with these
  std::vector<std::string> inputs;    // variables given to the script as globals of that name
  std::vector<std::string> outputs;   // globals stored back into variables of that name
  JsLimits limits;
};

// Record: the caller's voice to a WAV file, after an optional beep, until a key, final
// silence or the maximum length. The module variable is the recording's id.
struct RecordSettings {
  std::string prompt;  // said before the beep (may be empty)
  bool beep = true;
  std::chrono::milliseconds max_length{60000};
  std::chrono::milliseconds final_silence{3000};
  std::chrono::milliseconds no_input{5000};
};

// Transfer: the call to another number or SIP URI, blind (REFER) or bridged (a second leg).
// Texts may hold {{placeholders}}; none may read a private value (checked when read).
struct TransferSettings {
  std::string prompt;  // said (no barge-in) before the transfer starts; may be empty
  TransferMode mode = TransferMode::kBlind;
  std::string target;
  std::string caller_id;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string dtmf;  // post-connect keys (bridged)
  std::chrono::milliseconds timeout{30000};
  std::chrono::seconds max_duration{3600};
  SourcePos target_pos;
};

// ---- Email, SOAP, SMS (issue 7; docs/apps.md) ----
// Email: one message through the server's SMTP relay (`email:` in the server config). Every
// text may hold {{placeholders}}, but never a private value: email is not a secure channel.
struct EmailSettings {
  std::vector<std::string> to;  // each an address after substitution
  std::vector<std::string> cc;
  std::string subject;
  std::string body;
};

// SOAP: an envelope template POSTed over the HTTP client (the same egress and TLS rules as
// REST); the response's Body is mapped into the module variable like REST's XML return type.
struct SoapSettings {
  std::string url;
  std::string action;    // SOAPAction (1.1 header; 1.2 "action" parameter of the content type)
  std::string envelope;  // XML with {{placeholders}}, each inserted XML-escaped
  enum class Version { k11, k12 } version = Version::k11;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{0};  // 0: the server's default (http.timeout_ms)
  std::optional<OAuth2Settings> oauth2;  // "auth": {"type": "oauth2", ...}
  // WSDL (flow/soap_wsdl.h): a file in the app's folder is read when the app loads (url,
  // action, version and envelope come from it); an https URL is fetched at run time (cached).
  std::string wsdl_url;       // set only for a URL WSDL: the envelope is made when the call runs
  std::string operation;      // the WSDL operation
  bool wsdl_version = false;  // "version" was given: the binding of that version is used
  std::vector<std::pair<std::string, std::string>> parameters;  // name -> text with placeholders
};

// SMS: one text message through the server's HTTP provider (`sms:` in the server config).
struct SmsSettings {
  std::string to;    // an E.164 number after substitution ("+14155550123")
  std::string text;  // never a private value: SMS is not a secure channel
};

// Go To App: run another app (a sub-app) and come back when it reaches an Exit module.
struct GoToAppSettings {
  std::string app;   // the sub-app's name
  int revision = 0;  // a stored revision; 0: the one the host serves now (kept for the call)
  std::vector<std::pair<std::string, Expression>> variables_in;  // sub-app variable = expression
  std::vector<std::string> variables_out;  // sub-app variables copied back as <module>.<name>
};

// ---- Subdialog (issue 7; interpreter_subdialog.cc) ----
// Subdialog: fetch an app document (a sub-flow) from a URL and run it like Go To App.
struct SubdialogSettings {
  std::string url;  // https:// (placeholders allowed in the host and path)
  // POST (the default) sends variables_in as a JSON document; GET puts them in the query,
  // where proxies and server logs keep them (the validator warns, and refuses it in a secure
  // app; a private value is never sent by GET).
  enum class Method { kPost, kGet } method = Method::kPost;
  std::vector<std::pair<std::string, Expression>> variables_in;
  std::vector<std::string> variables_out;  // copied back as <module>.<name>
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{0};  // 0: the server's default (http.timeout_ms)
  std::optional<OAuth2Settings> oauth2;
};

// Assistant (docs/apps.md, "assistant"): each caller turn is POSTed as JSON to a
// conversational service, whose answer lists the actions Keyline runs (flow/assistant_protocol.h).
struct AssistantSettings {
  std::string url;  // https:// only (placeholders allowed in it)
  std::vector<std::pair<std::string, std::string>> headers;
  enum class Auth { kNone, kBasic, kBearer } auth = Auth::kNone;
  std::string auth_user, auth_password, auth_token;
  std::chrono::milliseconds timeout{5000};  // per turn
  // Sent with every turn as "context": name -> text with {{placeholders}}.
  std::vector<std::pair<std::string, std::string>> context;
  int max_turns = 50;
  bool barge_in = true;  // the starting barge-in setting (the `barge_in` action changes it)
  std::chrono::milliseconds noinput_timeout{7000};      // default wait for the first key
  std::chrono::milliseconds inter_digit_timeout{3000};  // default wait between keys
  // What happens when the service fails (HTTP error, timeout, bad answer, too many turns):
  // `failure_prompt`, then the action.
  std::string failure_prompt;
  enum class Failure { kError, kHangup, kTransfer } failure = Failure::kError;
  std::string failure_target;  // kTransfer: a number or sip:/tel: URI
};

// The optional confirmation step of an input module ("confirm"): the entry is read back and
// the caller presses 1 to keep it or 2 to enter it again.
struct ConfirmSettings {
  bool enabled = false;
  std::string prompt;  // "{value}" is the entry as read back; {{variables}} as in prompts
  int attempts = 2;    // how often the question is asked before it counts as a no-input/no-match
  // kFull: the entry as entered; kMasked: its length and, for entries longer than 8 keys,
  // the last four; kNone: the prompt may not say {value}. A private module cannot use kFull.
  enum class ReadBack { kFull, kMasked, kNone } read_back = ReadBack::kFull;
  SourcePos pos;
};

// ---- Name and Address (issue 6; app_name_address_module.cc, interpreter_name_address.cc) ----
// The caller says their name or address. It is recorded, as by a Record module, and - with
// speech phrases or a grammar - recognized too: the module variable is the words recognized
// ("" without), `$.recording` the recording's id. A private one keeps no recording (a
// recording of a private answer would put it on disk; docs/security.md 7d): it recognizes only.
struct VoiceAnswerSettings {
  std::string prompt;  // said before the beep, and again on each retry
  bool beep = true;
  std::chrono::milliseconds max_length{10000};
  std::chrono::milliseconds final_silence{2000};
  std::chrono::milliseconds no_input{5000};
  int retries = 2;  // re-prompts after no-input / no-match (the app's input default)
  // Speech: a JSGF grammar or a phrase list (not both); both empty: recorded only.
  std::string grammar;
  std::vector<std::string> phrases;
  double confidence = 0.5;
  bool recognizes() const { return !grammar.empty() || !phrases.empty(); }
};
struct NameSettings : VoiceAnswerSettings {};
struct AddressSettings : VoiceAnswerSettings {};

// ---- Call Recording module (issue 7; app_call_recording_module.cc) ----
// Controls the whole-call recording: start it (when settings.record_call did not), pause,
// resume or stop it. A pause here is the builder's own: the end of a private input module's
// automatic pause does not undo it.
struct CallRecordingSettings {
  enum class Action { kStart, kPause, kResume, kStop };
  enum class Channels { kStereo, kMixed };
  Action action = Action::kStart;
  Channels channels = Channels::kStereo;  // start only
};

enum class ModuleType {
  kPrompt,
  kMenu,
  kDigits,
  kCompareVariable,
  kGoToPage,
  kExit,
  kSetVariable,
  kCounter,
  kCallLog,
  kLabel,
  kNumber,
  kYesNo,
  kDateTime,
  kCustomField,
  kDynamicMenu,
  kLanguage,
  kRest,
  kEvaluateJs,
  kRecord,
  kTransfer,
  kEmail,
  kSoap,
  kSms,
  kGoToApp,
  kSubdialog,
  kName,
  kAddress,
  kAssistant,
  kCallRecording,
};

// The spelling used in documents ("prompt", "menu", "digits", "compare_variable",
// "goto_page", "exit", "set_variable", "counter", "call_log", "label", "number", "yes_no",
// "date_time", "custom_field", "dynamic_menu", "language", "rest", "evaluate_js", "record",
// "transfer", "email", "soap", "sms", "goto_app", "subdialog", "name", "address",
// "assistant", "call_recording").
std::string_view module_type_name(ModuleType type);

struct Module {
  std::string name;  // also the name of the variable the module stores its result in
  bool is_private = false;
  // "private": false written in a secure app: the builder took the module out of the secure
  // default, which the audit reports.
  bool private_opt_out = false;
  SourcePos pos;
  // Order matches ModuleType.
  std::variant<PromptSettings, MenuSettings, DigitsSettings, CompareSettings, GoToPageSettings,
               ExitSettings, SetVariableSettings, CounterSettings, CallLogSettings, LabelSettings,
               NumberSettings, YesNoSettings, DateTimeSettings, CustomFieldSettings,
               DynamicMenuSettings, LanguageSettings, RestSettings, EvaluateJsSettings,
               RecordSettings, TransferSettings, EmailSettings, SoapSettings, SmsSettings,
               GoToAppSettings, SubdialogSettings, NameSettings, AddressSettings, AssistantSettings,
               CallRecordingSettings>
      settings;
  // Named exits ("next", "success", "noinput", "nomatch", ...) wired to a target. An exit that is
  // not wired falls through to the next module on the page.
  std::map<std::string, Target> exits;
  ConfirmSettings confirm;  // input modules only (not menus)

  ModuleType type() const { return static_cast<ModuleType>(settings.index()); }
  bool is_input() const;  // waits for the caller's keys
  // Name and Address modules' settings (nullptr for any other module).
  const VoiceAnswerSettings* voice_answer() const;
};

struct Page {
  std::string name;
  SourcePos pos;
  std::vector<Module> modules;
};

struct AppDocument {
  std::string name;
  std::string file_name;
  AppSettings settings;
  std::string start_page;  // defaults to the first page
  // App variables with their starting values ("variables" in the document). Values the host
  // gives for a call (deployment variables, outbound call parameters) override them.
  std::vector<std::pair<std::string, Value>> variables;
  std::vector<Page> pages;
  std::vector<PromptEntry> prompts;  // the prompt table, in document order

  const Page* find_page(std::string_view page_name) const;
  // The table row for `id` in `language`: the same tag, else the same primary language
  // ("en" for "en-US"), else the app's language; null when none has it.
  const PromptEntry* find_prompt(std::string_view id, std::string_view language) const;
};

// Whether a module of this type is private by default in a secure app: those that collect,
// compute, fetch or write a value (inputs, Set Variable, Call Log, REST, Evaluate JS). Prompts,
// Compare, Counter, Go To Page, Exit and Label hold nothing a caller entered.
bool private_in_secure_app(ModuleType type);

// The app as a secure deployment runs it: secure, and every module private_in_secure_app is
// private even where the document says "private": false, so the call log keeps no value a
// caller entered.
AppDocument as_secure_deployment(const AppDocument& app);

// Parses and checks an app document. On failure: Error{kind="app"} whose message holds one line
// per problem found, each "file:line:col: message".
Result<AppDocument> parse_app(std::string_view json_text, std::string_view file_name);

// Reads the file at `path`, then parse_app.
Result<AppDocument> load_app(const std::string& path);

// Go To App without a server (keyline simulate / test): the app `name` from the file
// <folder of caller.file_name>/<name>.json. A file has one revision, so `revision` is not
// looked at (the server, too, names its config apps after their files). Errors: a bad name,
// a missing or invalid file (its problems listed).
Result<std::shared_ptr<const AppDocument>> load_app_beside(const AppDocument& caller,
                                                           std::string_view name);
// A Go To App "app": letters, digits, _, - and ., not starting with '.' (it also names a file).
bool is_app_name(std::string_view name);

// How well a prompt-table language serves a wanted one: 2 same tag (case-insensitive), 1 same
// primary subtag, 0 not at all.
int language_match(std::string_view have, std::string_view want);

}  // namespace keyline::flow
