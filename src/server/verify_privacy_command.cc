// The verify-privacy command line: options, the two searches, the report.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "base/secure_wipe.h"
#include "base/strings.h"
#include "server/config.h"
#include "server/verify_privacy.h"

namespace keyline::server {
namespace {

constexpr const char* kUsage =
    R"(usage: keyline verify-privacy [--config FILE] [--data-dir DIR] [--log FILE]...
         [--api https://HOST:PORT [--api-key-env VAR | --api-key-file FILE] [--ca FILE]
          | --no-memory] [--card DIGITS] [--expiry MMYY] [--cvv DIGITS] [--value DIGITS]...
         [--time-limit-ms N]
  Searches every file under the data directory (and the TTS disk cache, and
  each --log) and the running server's memory for the test values, in ASCII
  and UTF-16, plain, grouped with spaces or dashes, and (files) every 7-digit
  piece. The card defaults to 4111111111111111. The API key (admin) comes from
  $KEYLINE_API_KEY unless --api-key-env or --api-key-file says otherwise.
  Exit 0: nothing found; 1: found; 2: usage; 3: could not verify.
)";

struct Options {
  std::optional<std::string> config, data_dir, api, api_key_env, api_key_file, ca;
  std::vector<std::string> logs;
  std::vector<std::pair<std::string, std::string>> values;  // name, digits
  bool no_memory = false;
  std::int64_t time_limit_ms = 120000;
};

// Digits only: separators the operator typed ("4111 1111 ...") are dropped.
std::optional<std::string> digits_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      out.push_back(c);
    else if (c != ' ' && c != '-' && c != '/')
      return std::nullopt;
  }
  if (out.size() < 3 || out.size() > 19) return std::nullopt;
  return out;
}

std::optional<std::string> parse(int argc, char** argv, Options& o) {
  bool card_given = false;
  int values = 0;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return "";
    if (arg == "--no-memory") {
      o.no_memory = true;
      continue;
    }
    if (i + 1 >= argc) return arg + " needs a value (or is unknown)";
    std::string v = argv[++i];
    if (arg == "--config")
      o.config = v;
    else if (arg == "--data-dir")
      o.data_dir = v;
    else if (arg == "--log")
      o.logs.push_back(v);
    else if (arg == "--api")
      o.api = v;
    else if (arg == "--api-key-env")
      o.api_key_env = v;
    else if (arg == "--api-key-file")
      o.api_key_file = v;
    else if (arg == "--ca")
      o.ca = v;
    else if (arg == "--time-limit-ms") {
      auto n = parse_int<std::int64_t>(v);
      if (!n || *n < 1000 || *n > 600000) return "--time-limit-ms must be 1000-600000";
      o.time_limit_ms = *n;
    } else if (arg == "--card" || arg == "--expiry" || arg == "--cvv" || arg == "--value") {
      auto d = digits_of(v);
      if (!d) return arg + " must be 3 to 19 digits (spaces, dashes and / allowed)";
      std::string name = arg.substr(2);
      if (arg == "--value") name += std::to_string(++values);
      if (arg == "--card") card_given = true;
      o.values.emplace_back(name, *d);
    } else {
      return "unknown option " + arg;
    }
  }
  if (!card_given) o.values.insert(o.values.begin(), {"card", "4111111111111111"});
  if (!o.no_memory && !o.api) return "give --api https://HOST:PORT (or --no-memory)";
  if (o.api_key_env && o.api_key_file) return "--api-key-env and --api-key-file exclude each other";
  return std::nullopt;
}

std::optional<std::string> read_key(const Options& o) {
  if (o.api_key_file) {
    std::ifstream in(*o.api_key_file);
    std::string key;
    if (!in || !std::getline(in, key)) return std::nullopt;
    return key;
  }
  const char* value = std::getenv(o.api_key_env.value_or("KEYLINE_API_KEY").c_str());
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

}  // namespace

int run_verify_privacy(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Options o;
  if (auto problem = parse(argc, argv, o)) {
    if (problem->empty()) {
      out << kUsage;
      return 0;
    }
    err << "keyline verify-privacy: " << *problem << "\n" << kUsage;
    return 2;
  }
  std::vector<std::string> roots = o.logs;
  std::string data_dir;
  if (o.config) {
    auto config = load_config(*o.config);
    if (!config) {
      err << config.error().message << "\n";
      return 2;
    }
    data_dir = config->data_dir;
    if (!config->tts_cache.disk_dir.empty()) roots.push_back(config->tts_cache.disk_dir);
  }
  if (o.data_dir) data_dir = *o.data_dir;
  if (data_dir.empty()) {
    err << "keyline verify-privacy: give --config or --data-dir\n";
    return 2;
  }
  roots.insert(roots.begin(), data_dir);

  std::vector<ProbeForm> forms;
  for (auto& [name, digits] : o.values) {
    for (auto& f : probe_forms(name, digits)) forms.push_back(std::move(f));
    secure_wipe(digits);
  }
  out << "verify-privacy: " << o.values.size() << " values, " << forms.size() << " forms\n";

  int status = 0;
  std::uint64_t found = 0;
  FileScanReport files = scan_files(roots, forms);
  out << "files: " << files.files << " files, " << files.bytes << " bytes under";
  for (const auto& r : roots) out << " " << r;
  out << "\n";
  for (const auto& h : files.hits) {
    out << "  HIT " << h.path << ": " << h.label << " (" << h.count << ")\n";
    found += h.count;
  }
  for (const auto& u : files.unreadable) {
    out << "  UNREADABLE " << u << "\n";
    status = 3;
  }
  if (files.files == 0) {
    out << "  no files found: nothing was verified\n";
    status = 3;
  }

  if (o.no_memory) {
    out << "memory: not searched (--no-memory)\n";
  } else {
    auto key = read_key(o);
    if (!key) {
      err << "keyline verify-privacy: no API key (set " << o.api_key_env.value_or("KEYLINE_API_KEY")
          << " or give --api-key-file)\n";
      for (auto& f : forms) f.wipe();
      return 2;
    }
    std::string ca = o.ca.value_or("");
    if (ca.empty() && std::ifstream(data_dir + "/api-cert.pem")) ca = data_dir + "/api-cert.pem";
    auto memory = scan_server_memory(ApiTarget{*o.api, *key, ca}, forms, o.time_limit_ms);
    secure_wipe(*key);
    if (!memory) {
      out << "memory: not searched: " << memory.error().message << "\n";
      status = 3;
    } else {
      out << "memory: " << memory->bytes_scanned << " bytes in " << memory->regions
          << " writable mappings, " << memory->elapsed_ms << " ms"
          << (memory->complete ? "" : ", INCOMPLETE (time limit)") << "\n";
      for (const auto& [label, count] : memory->hits)
        if (count) out << "  HIT memory: " << label << " (" << count << ")\n";
      found += memory->total_hits;
      if (!memory->complete) status = 3;
    }
  }
  for (auto& f : forms) f.wipe();
  if (found > 0) {
    out << "result: FAIL: " << found << " hits\n";
    return 1;
  }
  out << (status == 0 ? "result: PASS: no value found\n"
                      : "result: NOT VERIFIED: nothing found, but not everything was searched\n");
  return status;
}

}  // namespace keyline::server
