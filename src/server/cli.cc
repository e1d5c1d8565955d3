#include "server/cli.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "base/core_dumps.h"
#include "base/strings.h"
#include "flow/app_analysis.h"
#include "flow/app_document.h"
#include "flow/privacy_audit.h"
#include "flow/scenario.h"
#include "flow/scripted_callee.h"
#include "flow/simulator.h"
#include "privacy/redact.h"
#include "sdp/crypto.h"
#include "server/amd_command.h"
#include "server/apikey_command.h"
#include "server/call_log_print.h"
#include "server/app_prompts.h"
#include "server/app_voices.h"
#include "server/config.h"
#include "server/deployment_app.h"
#include "server/export_command.h"
#include "server/graph_command.h"
#include "server/media_codec.h"
#include "server/phone.h"
#include "server/phone_answer.h"
#include "server/secret_files.h"
#include "server/server.h"
#include "server/verify_privacy.h"
#include "server/voices_command.h"
#include "store/backend.h"
#include "store/call_log_store.h"

namespace keyline::server {
namespace {

constexpr const char* kUsage = R"(usage: keyline <command> [options]

commands:
  serve [--config FILE] [--sip-port N] [--data-dir DIR] [--log-level L]
        run the server (without --config: the embedded defaults, SIP on
        UDP+TCP 127.0.0.1:5060, every number routed to the built-in demo app)
  call sip:USER@HOST:PORT [--dtmf "1 12345#"] [--say "yes|sales" [--say-over-ms N]]
        [--record out.wav] [--tcp]
        [--timeout S] [--gap-ms N] [--hangup-after-ms N] [--from URI]
        [--srtp [--srtp-suite NAME]] [--dtmf-method rfc4733|inband|info]
        [--codec PCMU|PCMA|G722] [--tls [--ca FILE] [--cert FILE --key FILE]]
        [--auth-user NAME --auth-password-env VAR] [--speak-wav FILE]
        the test phone: dial, key digits when the far end falls quiet, record;
        a "~" group in --dtmf says FILE (8 kHz WAV) instead of keying;
        --srtp offers RTP/SAVP with SDES keys (all four suites, or NAME only);
        --dtmf-method inband keys tones in the audio and offers no
        telephone-event; --dtmf-method info keys SIP INFO (dtmf-relay);
        --codec offers only that codec (default PCMU, PCMA);
        --say speaks each phrase (flite, after the DTMF groups) as a turn,
        --say-over-ms N that long into the prompt (speech barge-in)
  call --answer sip:USER@IP:PORT [--say "hello|bye"] [--dtmf KEYS] [--reject STATUS] [--ring-ms N]
        [--hangup-after-ms N] [--record out.wav] [--timeout S] [--calls N (with --reject)]
        the test phone as the called party: answer one call on IP:PORT (UDP),
        print the keys received, key KEYS as tones 1 s after answering, say the
        phrases, hang up after N ms
  simulate APP.json      run an app in the terminal: prompts as text, keys on stdin
        [--callee-type voice|answeringmachine|fax|unknown]: as an outbound call
  simulate | test --config FILE --deployment NAME [--synthetic] [SCENARIO.yaml...]
                         run the app a deployment runs, as it runs it; a secure
                         deployment only with --synthetic (the keys are test data)
  validate APP.json...   check app documents (errors as file:line:col), including
                         unreachable modules and variables read before they are set
  audit APP.json...      list every path by which a private value reaches a sink
                         (exit 1 when any is an error, e.g. a Call Log line)
  graph APP.json [--svg | --format dot|svg] [--out FILE]
                         the app's flow as Graphviz DOT, or SVG laid out by
                         Graphviz (pages as clusters, exits as labelled edges)
  test APP.json SCENARIO.yaml...
                         run scripted calls against an app (docs/app-testing.md)
  validate --config FILE check a configuration and the apps it deploys
  logs [--call ID] [--limit N] [--data-dir DIR | --config FILE]
        print call logs
  export --out DIR [--config FILE | --data-dir DIR]
  import DIR [--config FILE | --data-dir DIR]
        move apps (every revision) and deployments between the configured
        database and DIR/keyline-export.json (export also writes
        DIR/apps/NAME.json); an import writes all of it or nothing
  apikey create --email EMAIL --role admin|developer|viewer
        [--data-dir DIR | --config FILE]
        create an API key for a user (created if new); the key is printed
        once and only its hash is stored
  verify-privacy --api https://HOST:PORT [--config FILE | --data-dir DIR] [--log FILE]
        [--card N] [--expiry MMYY] [--cvv N]
        search the server's files and live memory for test values (exit 0:
        none found; `keyline verify-privacy --help` for every option)
  voices                 list the installed TTS voices (engine, name, languages, rate)
  amd FILE [--greeting-max-ms N ...]
        answering-machine detection on a recorded answer: prints voice,
        answeringmachine, fax or unknown, why, and when (`keyline amd --help`)
  version
)";

// Minimal option parser: --name value pairs and positional arguments.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> flags;
  std::string error;

  std::optional<std::string> get(std::string_view name) const {
    std::optional<std::string> found;
    for (auto& [k, v] : options)
      if (k == name) found = v;
    return found;
  }
  bool has(std::string_view flag) const {
    for (auto& f : flags)
      if (f == flag) return true;
    return false;
  }
};

Args parse_args(int argc, char** argv, int first, std::initializer_list<std::string_view> valued,
                std::initializer_list<std::string_view> boolean) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      a.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    bool is_valued = false, is_bool = false;
    for (auto v : valued) is_valued = is_valued || v == name;
    for (auto b : boolean) is_bool = is_bool || b == name;
    if (is_bool) {
      a.flags.push_back(name);
    } else if (is_valued) {
      if (!inline_value) {
        if (i + 1 >= argc) {
          a.error = "--" + name + " needs a value";
          return a;
        }
        value = argv[++i];
      }
      a.options.emplace_back(name, value);
    } else {
      a.error = "unknown option --" + name;
      return a;
    }
  }
  return a;
}

Logger make_logger(LogLevel level) { return Logger(level, privacy::redact_text); }

// The server's logger masks with the configured policy (a copy: the logger
// may outlive the config object).
Logger make_logger(LogLevel level, privacy::RedactionPolicy policy) {
  return Logger(level, [policy = std::move(policy)](std::string_view text) {
    return privacy::redact(text, policy);
  });
}

int cmd_serve(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"config", "sip-port", "data-dir", "log-level"}, {});
  if (!a.error.empty() || !a.positional.empty()) {
    std::cerr << "keyline serve: " << (a.error.empty() ? "unexpected argument" : a.error) << "\n";
    return 2;
  }
  Config config = default_config();
  if (auto path = a.get("config")) {
    auto loaded = load_config(*path);
    if (!loaded) {
      std::cerr << loaded.error().message << "\n";
      return 2;
    }
    config = std::move(*loaded);
  }
  if (auto port = a.get("sip-port")) {
    auto n = parse_int<int>(*port);
    if (!n || *n < 0 || *n > 65535) {
      std::cerr << "keyline serve: --sip-port must be 0-65535\n";
      return 2;
    }
    config.sip.port = static_cast<std::uint16_t>(*n);
  }
  if (auto dir = a.get("data-dir")) config.data_dir = *dir;
  if (auto level = a.get("log-level")) {
    auto parsed = parse_log_level(*level);
    if (!parsed) {
      std::cerr << "keyline serve: --log-level must be debug, info, warn or error\n";
      return 2;
    }
    config.log_level = *parsed;
  }
  // Secrets readable by other users: refuse before anything starts.
  if (auto st = check_secret_files(secret_files(config)); !st) {
    std::cerr << "keyline serve: " << st.error().message << "\n";
    return 2;
  }
  Logger logger = make_logger(config.log_level, config.privacy);
  if (config.core_dumps) {
    logger.warn("server", "core dumps allowed (privacy.core_dumps: true): debugging only");
  } else {
    CoreDumpState dumps = disable_core_dumps();
    if (!dumps.limit_zero || !dumps.not_dumpable)
      logger.warn("server", "core dumps could not be fully disabled");
  }
  auto server = Server::create(std::move(config), logger);
  if (!server) {
    logger.error("server", server.error().message);
    return 1;
  }
  auto ran = (*server)->run();
  return ran ? 0 : 1;
}

// `keyline call --answer`: the test phone as the called party (server/phone_answer.h).
int cmd_answer(const Args& a) {
  if (a.positional.size() != 1) {
    std::cerr << "keyline call --answer: give the sip:USER@IP:PORT to listen on\n";
    return 2;
  }
  AnswerPhoneOptions o;
  o.listen = a.positional[0];
  o.say = a.get("say").value_or("");
  o.dtmf = a.get("dtmf").value_or("");
  for (char c : o.dtmf) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '*' && c != '#' &&
        !(c >= 'A' && c <= 'D')) {
      std::cerr << "keyline call --answer: --dtmf keys are 0-9 * # A-D\n";
      return 2;
    }
  }
  o.record_path = a.get("record").value_or("");
  auto number = [&](const char* name, int& out, int min, int max) {
    if (auto v = a.get(name)) {
      auto n = parse_int<int>(*v);
      if (!n || *n < min || *n > max) {
        std::cerr << "keyline call: --" << name << " must be " << min << "-" << max << "\n";
        return false;
      }
      out = *n;
    }
    return true;
  };
  if (!number("reject", o.reject_status, 300, 699) || !number("ring-ms", o.ring_ms, 0, 600000) ||
      !number("calls", o.calls, 1, 100) ||
      !number("hangup-after-ms", o.hangup_after_ms, 0, 600000) ||
      !number("timeout", o.timeout_seconds, 1, 3600))
    return 2;
  auto level = parse_log_level(a.get("log-level").value_or("warn"));
  Logger logger = make_logger(level.value_or(LogLevel::kWarn));
  return run_answer_phone(o, std::cout, logger);
}

int cmd_call(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"dtmf",
                                      "say",
                                      "say-over-ms",
                                      "record",
                                      "timeout",
                                      "gap-ms",
                                      "hangup-after-ms",
                                      "from",
                                      "log-level",
                                      "srtp-suite",
                                      "dtmf-method",
                                      "codec",
                                      "ca",
                                      "cert",
                                      "key",
                                      "auth-user",
                                      "auth-password-env",
                                      "speak-wav",
                                      "reject",
                                      "ring-ms",
                                      "calls"},
                      {"tcp", "srtp", "tls", "answer"});
  if (a.error.empty() && a.has("answer")) return cmd_answer(a);
  if (!a.error.empty() || a.positional.size() != 1) {
    std::cerr << "keyline call: " << (a.error.empty() ? "give one sip: URI to call" : a.error)
              << "\n";
    return 2;
  }
  PhoneOptions o;
  o.target = a.positional[0];
  o.dtmf = a.get("dtmf").value_or("");
  o.say = a.get("say").value_or("");
  o.record_path = a.get("record").value_or("");
  o.speak_wav = a.get("speak-wav").value_or("");
  o.from = a.get("from").value_or(o.from);
  o.tcp = a.has("tcp");
  o.tls = a.has("tls");
  o.ca_file = a.get("ca").value_or("");
  o.cert_file = a.get("cert").value_or("");
  o.key_file = a.get("key").value_or("");
  if (o.cert_file.empty() != o.key_file.empty()) {
    std::cerr << "keyline call: --cert and --key go together\n";
    return 2;
  }
  o.auth_user = a.get("auth-user").value_or("");
  if (auto var = a.get("auth-password-env")) {
    // From the environment, so the password never shows in a process list.
    const char* value = std::getenv(var->c_str());
    if (!value) {
      std::cerr << "keyline call: environment variable " << *var << " is not set\n";
      return 2;
    }
    o.auth_password = value;
  }
  o.srtp = a.has("srtp");
  o.srtp_suite = a.get("srtp-suite").value_or("");
  if (!o.srtp_suite.empty() && (!o.srtp || !sdp::parse_suite(o.srtp_suite))) {
    std::cerr << "keyline call: --srtp-suite needs --srtp and one of AES_CM_128_HMAC_SHA1_80, "
                 "AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM\n";
    return 2;
  }
  std::string method = a.get("dtmf-method").value_or("rfc4733");
  if (method != "rfc4733" && method != "inband" && method != "info") {
    std::cerr << "keyline call: --dtmf-method must be rfc4733, inband or info\n";
    return 2;
  }
  o.inband_dtmf = method == "inband";
  o.info_dtmf = method == "info";
  o.codec = a.get("codec").value_or("");
  if (!o.codec.empty() && !parse_codec(o.codec)) {
    std::cerr << "keyline call: --codec must be PCMU, PCMA or G722\n";
    return 2;
  }
  auto number = [&](const char* name, int& out, int min, int max) {
    if (auto v = a.get(name)) {
      auto n = parse_int<int>(*v);
      if (!n || *n < min || *n > max) {
        std::cerr << "keyline call: --" << name << " must be " << min << "-" << max << "\n";
        return false;
      }
      out = *n;
    }
    return true;
  };
  if (!number("say-over-ms", o.say_over_ms, 0, 60000)) return 2;
  if (!number("timeout", o.timeout_seconds, 1, 3600) || !number("gap-ms", o.gap_ms, 100, 10000) ||
      !number("hangup-after-ms", o.hangup_after_ms, 0, 600000))
    return 2;
  for (char c : o.dtmf) {
    if (c != ' ' && !std::isdigit(static_cast<unsigned char>(c)) && c != '*' && c != '#' &&
        !(c >= 'A' && c <= 'D') && c != '~') {
      std::cerr << "keyline call: --dtmf keys are 0-9 * # A-D (~ speaks --speak-wav), groups "
                   "separated by spaces\n";
      return 2;
    }
  }
  auto level = parse_log_level(a.get("log-level").value_or("warn"));
  Logger logger = make_logger(level.value_or(LogLevel::kWarn));
  return run_phone(o, std::cout, logger);
}

// The app given as the first positional argument, or (with --deployment) the one the
// deployment runs; removes the app's path from `a.positional`. Null after printing why not.
std::shared_ptr<const flow::AppDocument> app_to_run(Args& a, std::string_view command) {
  if (auto deployment = a.get("deployment")) {
    auto config = a.get("config");
    if (!config) {
      std::cerr << "keyline " << command << ": --deployment needs --config FILE\n";
      return nullptr;
    }
    auto app = app_for_deployment(*config, *deployment, a.has("synthetic"));
    if (!app) std::cerr << "keyline " << command << ": " << app.error().message << "\n";
    return app ? *app : nullptr;
  }
  if (a.positional.empty()) return nullptr;
  auto app = flow::load_app(a.positional.front());
  a.positional.erase(a.positional.begin());
  if (!app) {
    std::cerr << app.error().message << "\n";
    return nullptr;
  }
  return std::make_shared<const flow::AppDocument>(std::move(*app));
}

int cmd_simulate(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"config", "deployment", "callee-type"}, {"synthetic"});
  const std::size_t apps_given = a.get("deployment") ? 0 : 1;
  if (!a.error.empty() || a.positional.size() != apps_given) {
    std::cerr << "keyline simulate: give one app document (APP.json) or --config FILE "
                 "--deployment NAME [--synthetic]\n";
    return 2;
  }
  auto app = app_to_run(a, "simulate");
  if (!app) return 2;
  // An outbound call: what answering-machine detection says after the first prompt.
  const std::string callee_type = a.get("callee-type") ? *a.get("callee-type") : "";
  if (!callee_type.empty() && !flow::valid_callee_type(callee_type)) {
    std::cerr << "keyline simulate: --callee-type is voice, answeringmachine, fax or unknown\n";
    return 2;
  }
  return flow::run_simulation(*app, std::cin, std::cout, callee_type);
}

// keyline test APP SCENARIO...: one line per scenario, details under a failing one; exit 1 if
// any failed, 2 if a file could not be read.
int cmd_test(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"config", "deployment"}, {"synthetic"});
  const std::size_t apps_given = a.get("deployment") ? 0 : 1;
  if (!a.error.empty() || a.positional.size() < apps_given + 1) {
    std::cerr << "keyline test: give an app document and scenario files (APP.json "
                 "SCENARIO.yaml...), or --config FILE --deployment NAME [--synthetic] "
                 "SCENARIO.yaml...\n";
    return 2;
  }
  auto app = app_to_run(a, "test");
  if (!app) return 2;
  int passed = 0, failed = 0;
  for (std::size_t i = 0; i < a.positional.size(); ++i) {
    auto scenarios = flow::load_scenarios(a.positional[i]);
    if (!scenarios) {
      std::cerr << scenarios.error().message << "\n";
      return 2;
    }
    for (const auto& scenario : *scenarios) {
      const auto result = flow::run_scenario(*app, scenario);
      std::cout << (result.passed ? "PASS " : "FAIL ") << a.positional[i] << ": " << result.name
                << "\n";
      for (const auto& f : result.failures) std::cout << "  " << f << "\n";
      if (!result.passed) {
        // What was heard helps to see where the call went; prompts saying a private value
        // were marked so by the interpreter and are not printed.
        for (const auto& heard : result.heard) std::cout << "  heard: " << heard << "\n";
      }
      (result.passed ? passed : failed)++;
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

// Exit 1 when any finding is an error, so a CI step can gate a deployment on it.
int cmd_audit(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {}, {});
  if (!a.error.empty() || a.positional.empty()) {
    std::cerr << "keyline audit: give app documents (APP.json)\n";
    return 2;
  }
  int status = 0;
  for (const auto& path : a.positional) {
    auto app = flow::load_app(path);
    if (!app) {
      std::cerr << app.error().message << "\n";
      status = 1;
      continue;
    }
    const auto findings = flow::audit_app(*app);
    for (const auto& f : findings) std::cout << flow::format_finding(path, f) << "\n";
    if (flow::audit_blocks(findings)) status = 1;
    if (findings.empty()) std::cout << path << ": no private value reaches a sink\n";
  }
  return status;
}

int cmd_validate(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"config"}, {});
  if (!a.error.empty() || (a.positional.empty() && !a.get("config"))) {
    std::cerr << "keyline validate: give app documents or --config FILE\n";
    return 2;
  }
  int status = 0;
  std::optional<speech::VoiceCatalog> voices;
  for (const auto& path : a.positional) {
    auto app = flow::load_app(path);
    if (!app) {
      std::cerr << app.error().message << "\n";
      status = 1;
      continue;
    }
    // Whole-app checks need a document that loaded: unreachable modules, variables read
    // before they are set.
    const auto problems = flow::analyze_app(*app);
    for (const auto& p : problems)
      std::cerr << path << ":" << p.pos.line << ":" << p.pos.column << ": " << p.message << "\n";
    // A secure app must pass the audit: every error fixed or acknowledged.
    const auto findings = flow::audit_app(*app);
    bool audit_failed = false;
    // Any app fails on a private value in an Email or SMS module (kind "message"): the call
    // would refuse to send it.
    for (const auto& f : findings) {
      if (!app->settings.secure && f.kind != "message") continue;
      if (f.severity != flow::AuditSeverity::kError || f.acknowledged) continue;
      std::cerr << flow::format_finding(path, f) << "\n";
      audit_failed = true;
    }
    // A REST module that would send a private value over plain http fails at run time: warn
    // now (`keyline audit` lists every privacy finding).
    for (const auto& f : app->settings.secure ? std::vector<flow::AuditFinding>{} : findings) {
      if (f.severity != flow::AuditSeverity::kError) continue;
      for (const auto& page : app->pages) {
        for (const auto& m : page.modules) {
          if (m.name == f.sink_module && m.type() == flow::ModuleType::kRest)
            std::cerr << path << ":" << f.pos.line << ":" << f.pos.column
                      << ": warning: " << f.message << "\n";
        }
      }
    }
    // Audio files are loaded, and voices chosen, exactly as `serve` would.
    auto prompts = load_app_prompts(*app);
    if (!voices) voices = speech::VoiceCatalog::installed();
    for (auto& p : check_app_voices(*app, *voices)) prompts.problems.push_back(std::move(p));
    for (const auto& p : prompts.problems) std::cerr << p << "\n";
    if (problems.empty() && prompts.problems.empty() && !audit_failed) {
      std::cout << path << ": ok\n";
    } else {
      status = 1;
    }
  }
  if (auto path = a.get("config")) {
    auto config = load_config(*path);
    if (!config) {
      std::cerr << config.error().message << "\n";
      return 1;
    }
    auto apps = load_apps(*config);
    if (!apps) {
      std::cerr << apps.error().message << "\n";
      return 1;
    }
    bool prompts_ok = true;
    if (!voices) voices = speech::VoiceCatalog::installed();
    for (const auto& [name, app] : *apps) {
      auto problems = load_app_prompts(*app).problems;
      for (auto& p : check_app_voices(*app, *voices)) problems.push_back(std::move(p));
      for (const auto& p : problems) {
        std::cerr << p << "\n";
        prompts_ok = false;
      }
    }
    if (!prompts_ok) return 1;
    std::cout << *path << ": ok (" << apps->size() << " apps, " << config->deployments.size()
              << " deployments)\n";
  }
  return status;
}

int cmd_apikey(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "create") {
    std::cerr << "keyline apikey: usage: keyline apikey create --email EMAIL --role ROLE\n";
    return 2;
  }
  Args a = parse_args(argc, argv, 3, {"email", "role", "data-dir", "config"}, {});
  if (!a.error.empty() || !a.positional.empty() || !a.get("email") || !a.get("role")) {
    std::cerr << "keyline apikey create: "
              << (a.error.empty() ? "needs --email and --role" : a.error) << "\n";
    return 2;
  }
  auto role = store::parse_role(*a.get("role"));
  if (!role) {
    std::cerr << "keyline apikey create: --role must be admin, developer or viewer\n";
    return 2;
  }
  std::string data_dir = default_config().data_dir;
  DatabaseSettings database;  // the config's database: (PostgreSQL when it has a url)
  if (auto path = a.get("config")) {
    auto config = load_config(*path);
    if (!config) {
      std::cerr << config.error().message << "\n";
      return 2;
    }
    data_dir = config->data_dir;
    database = config->database;
  }
  if (auto dir = a.get("data-dir")) data_dir = *dir;
  auto created = create_api_key(data_dir, *a.get("email"), *role, database.url, database.password);
  if (!created) {
    std::cerr << "keyline apikey create: " << created.error().message << "\n";
    return 1;
  }
  std::cerr << "API key " << created->key_id << " for " << *a.get("email") << " (" << *a.get("role")
            << "); it is shown only now:\n";
  std::cout << created->key << "\n";
  return 0;
}

int cmd_logs(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"call", "limit", "data-dir", "config"}, {});
  if (!a.error.empty() || !a.positional.empty()) {
    std::cerr << "keyline logs: " << (a.error.empty() ? "unexpected argument" : a.error) << "\n";
    return 2;
  }
  std::string data_dir = default_config().data_dir;
  DatabaseSettings database;  // PostgreSQL when the config's database: has a url
  if (auto path = a.get("config")) {
    auto config = load_config(*path);
    if (!config) {
      std::cerr << config.error().message << "\n";
      return 2;
    }
    data_dir = config->data_dir;
    database = config->database;
  }
  if (auto dir = a.get("data-dir")) data_dir = *dir;
  std::string db = (std::filesystem::path(data_dir) / "keyline.db").string();
  if (database.url.empty() && !std::filesystem::exists(db)) {
    std::cerr << "keyline logs: no call logs at " << db << "\n";
    return 1;
  }
  auto store = store::open_call_logs({db, database.url, database.password});
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  if (auto id = a.get("call")) {
    auto record = (*store)->get(*id);
    if (!record) {
      std::cerr << record.error().message << "\n";
      return 1;
    }
    if (!*record) {
      std::cerr << "keyline logs: no call " << *id << "\n";
      return 1;
    }
    print_call_record(**record, true);
    return 0;
  }
  int limit = 20;
  if (auto l = a.get("limit")) limit = parse_int<int>(*l).value_or(20);
  auto records = (*store)->list(limit);
  if (!records) {
    std::cerr << records.error().message << "\n";
    return 1;
  }
  for (const auto& r : *records) print_call_record(r, true);
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  std::string command = argv[1];
  if (command == "serve") return cmd_serve(argc, argv);
  if (command == "call") return cmd_call(argc, argv);
  if (command == "simulate") return cmd_simulate(argc, argv);
  if (command == "validate") return cmd_validate(argc, argv);
  if (command == "audit") return cmd_audit(argc, argv);
  if (command == "graph") return run_graph_command(argc, argv, std::cout, std::cerr);
  if (command == "export" || command == "import")
    return run_export_command(argc, argv, std::cout, std::cerr);
  if (command == "test") return cmd_test(argc, argv);
  if (command == "logs") return cmd_logs(argc, argv);
  if (command == "apikey") return cmd_apikey(argc, argv);
  if (command == "verify-privacy") return run_verify_privacy(argc, argv, std::cout, std::cerr);
  if (command == "voices") return print_voices(std::cout);
  if (command == "amd") return run_amd_command(argc, argv, std::cout, std::cerr);
  if (command == "version" || command == "--version") {
    std::cout << "keyline 0.1.0\n";
    return 0;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "keyline: unknown command '" << command << "'\n" << kUsage;
  return 2;
}

}  // namespace keyline::server
