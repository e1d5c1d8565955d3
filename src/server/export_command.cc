#include "server/export_command.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "api/export_import.h"
#include "api/json.h"
#include "api/prompt_files.h"
#include "api/route_helpers.h"
#include "base/base64.h"
#include "server/config.h"
#include "store/backend.h"

namespace keyline::server {
namespace {

constexpr const char* kUsage =
    "usage: keyline export --out DIR [--config FILE | --data-dir DIR]\n"
    "       keyline import DIR [--config FILE | --data-dir DIR]\n";
constexpr const char* kExportFile = "keyline-export.json";

struct Options {
  std::string dir;
  std::optional<std::string> config;
  std::optional<std::string> data_dir;
};

std::optional<Options> parse(int argc, char** argv, bool exporting, std::ostream& err) {
  Options o;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      if (arg.rfind(name + "=", 0) == 0) return arg.substr(name.size() + 1);
      if (arg == name && i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    std::optional<std::string> v;
    if (exporting && (v = value("--out"))) {
      o.dir = *v;
    } else if ((v = value("--config"))) {
      o.config = *v;
    } else if ((v = value("--data-dir"))) {
      o.data_dir = *v;
    } else if (!exporting && arg.rfind("--", 0) != 0 && o.dir.empty()) {
      o.dir = arg;
    } else {
      err << "keyline " << argv[1] << ": unexpected argument " << arg << "\n" << kUsage;
      return std::nullopt;
    }
  }
  if (o.dir.empty()) {
    err << "keyline " << argv[1] << ": give the directory\n" << kUsage;
    return std::nullopt;
  }
  return o;
}

// Prints a problem document's title, detail and each error, one per line.
void print_problem(const api::Response& r, std::ostream& err) {
  auto doc = api::parse_json(r.body);
  if (!doc || !doc->is_object()) {
    err << "failed (" << r.status << ")\n";
    return;
  }
  auto text = [&](const api::Json& j, const char* key) {
    const api::Json* v = j.find(key);
    return v && v->is_string() ? v->as_string() : std::string();
  };
  err << text(*doc, "title");
  if (auto detail = text(*doc, "detail"); !detail.empty()) err << ": " << detail;
  err << "\n";
  if (const api::Json* errors = doc->find("errors"); errors && errors->is_array())
    for (const auto& e : errors->as_array())
      err << "  " << text(e, "where") << ": " << text(e, "detail") << "\n";
}

Status write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return make_error("io", "cannot write " + path.string());
  return Ok{};
}

// The latest revision of each app as its own file: what `keyline validate` and `graph` read.
Status write_app_files(const std::string& export_body, const std::filesystem::path& dir) {
  auto doc = api::parse_json(export_body, 256);
  if (!doc) return make_error("export", "the export document does not parse");
  const api::Json* apps = doc->find("apps");
  if (!apps || !apps->is_array()) return Ok{};
  std::error_code ec;
  std::filesystem::create_directories(dir / "apps", ec);
  if (ec) return make_error("io", (dir / "apps").string() + ": " + ec.message());
  for (const auto& app : apps->as_array()) {
    const api::Json* name = app.find("name");
    const api::Json* revisions = app.find("revisions");
    if (!name || !name->is_string() || !revisions || !revisions->is_array() ||
        revisions->as_array().empty())
      continue;
    // Revisions are listed oldest first; the names were validated when stored (no '/').
    const api::Json* document = revisions->as_array().back().find("document");
    if (!document || !document->is_string()) continue;
    if (auto st = write_file(dir / "apps" / (name->as_string() + ".json"), document->as_string());
        !st)
      return st;
  }
  return Ok{};
}

api::Json* member(api::Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (auto& [k, v] : object.as_object())
    if (k == key) return &v;
  return nullptr;
}

// Where an app's prompt file goes in an export directory. The names were checked (an app name
// and a prompt file name hold no '/' and do not start with '.'), so the path stays inside it.
std::filesystem::path prompt_path(const std::filesystem::path& dir, const std::string& app,
                                  const std::string& file) {
  return dir / "prompts" / app / file;
}

// Export: moves each prompt's audio out of the document into its own file, leaving the
// manifest entry (file, bytes, sha256, updated). Returns the document to write.
Result<std::string> write_prompt_files(const std::string& export_body,
                                       const std::filesystem::path& dir) {
  auto doc = api::parse_json(export_body, 256);
  if (!doc) return make_error("export", "the export document does not parse");
  api::Json* apps = member(*doc, "apps");
  if (!apps || !apps->is_array()) return export_body;
  for (auto& app : apps->as_array()) {
    const api::Json* name = app.find("name");
    api::Json* prompts = member(app, "prompts");
    if (!name || !name->is_string() || !api::valid_name(name->as_string()) || !prompts ||
        !prompts->is_array())
      continue;
    for (auto& prompt : prompts->as_array()) {
      const api::Json* file = prompt.find("file");
      const api::Json* audio = prompt.find("audio");
      if (!file || !file->is_string() || !api::valid_prompt_file(file->as_string()) || !audio ||
          !audio->is_string())
        return make_error("export", "a prompt of app " + name->as_string() + " is malformed");
      std::string bytes(audio->as_string().size() / 4 * 3 + 3, '\0');
      auto n =
          base64_decode(audio->as_string(),
                        std::span(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()));
      if (!n) return make_error("export", "a prompt of app " + name->as_string() + " is malformed");
      bytes.resize(*n);
      const auto path = prompt_path(dir, name->as_string(), file->as_string());
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
      if (ec) return make_error("io", path.parent_path().string() + ": " + ec.message());
      if (auto st = write_file(path, bytes); !st) return st.error();
      auto& fields = prompt.as_object();
      fields.erase(std::remove_if(fields.begin(), fields.end(),
                                  [](const auto& kv) { return kv.first == "audio"; }),
                   fields.end());
    }
  }
  return doc->dump();
}

// Import: puts each manifest entry's file back into the document as "audio", for
// import_document to check (size, checksum, a playable WAV) before it writes anything. A file
// that is missing, unreadable or over the size limit is an error here, and nothing is written.
Result<std::string> read_prompt_files(const std::string& text, const std::filesystem::path& dir) {
  auto doc = api::parse_json(text, 256);
  if (!doc) return text;  // import_document reports the parse error
  api::Json* apps = member(*doc, "apps");
  if (!apps || !apps->is_array()) return text;
  bool changed = false;
  for (auto& app : apps->as_array()) {
    const api::Json* name = app.find("name");
    api::Json* prompts = member(app, "prompts");
    if (!name || !name->is_string() || !prompts || !prompts->is_array()) continue;
    // Bad names are left for import_document to report; they are never opened as paths.
    if (!api::valid_name(name->as_string())) continue;
    for (auto& prompt : prompts->as_array()) {
      const api::Json* file = prompt.find("file");
      if (prompt.find("audio") || !file || !file->is_string() ||
          !api::valid_prompt_file(file->as_string()))
        continue;
      const auto path = prompt_path(dir, name->as_string(), file->as_string());
      std::error_code ec;
      const auto size = std::filesystem::file_size(path, ec);
      if (ec) return make_error("io", "cannot read " + path.string() + ": " + ec.message());
      if (size > api::kMaxPromptBytes)
        return make_error("import", path.string() + ": larger than " +
                                        std::to_string(api::kMaxPromptBytes) +
                                        " bytes, the limit for a prompt file");
      std::ifstream in(path, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in && !in.eof()) return make_error("io", "cannot read " + path.string());
      if (bytes.size() > api::kMaxPromptBytes)
        return make_error("import", path.string() + ": larger than the limit for a prompt file");
      prompt.set("audio", base64_encode(std::span(
                              reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())));
      changed = true;
    }
  }
  return changed ? doc->dump() : text;
}

}  // namespace

int run_export_command(int argc, char** argv, std::ostream& out, std::ostream& err) {
  const bool exporting = std::string(argv[1]) == "export";
  auto options = parse(argc, argv, exporting, err);
  if (!options) return 2;
  Config config = default_config();
  if (options->config) {
    auto loaded = load_config(*options->config);
    if (!loaded) {
      err << loaded.error().message << "\n";
      return 2;
    }
    config = std::move(*loaded);
  }
  if (options->data_dir) config.data_dir = *options->data_dir;
  const std::string db = (std::filesystem::path(config.data_dir) / "keyline.db").string();
  if (config.database.url.empty() && !std::filesystem::exists(db) && exporting) {
    err << "keyline export: no database at " << db << "\n";
    return 1;
  }
  if (config.database.url.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
  }
  auto backend = store::open_backend(
      store::BackendSettings{db, config.database.url, config.database.password});
  if (!backend) {
    err << backend.error().message << "\n";
    return 1;
  }
  auto apps = (*backend)->apps();
  auto deployments = (*backend)->deployments();
  auto trunks = (*backend)->trunks();
  auto audit = (*backend)->audit_log();
  api::ApiDependencies deps;
  deps.apps = apps.get();
  deps.deployments = deployments.get();
  deps.trunks = trunks.get();
  deps.audit = audit.get();
  deps.transaction = [&backend](const std::function<Status()>& body) {
    return (*backend)->transaction(body);
  };
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::filesystem::path dir(options->dir);
  if (exporting) {
    auto r = api::export_document(deps, now);
    if (r.status != 200) {
      print_problem(r, err);
      return 1;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      err << "keyline export: " << dir.string() << ": " << ec.message() << "\n";
      return 1;
    }
    auto document = write_prompt_files(r.body, dir);
    if (!document) {
      err << "keyline export: " << document.error().message << "\n";
      return 1;
    }
    if (auto st = write_file(dir / kExportFile, *document + "\n"); !st) {
      err << "keyline export: " << st.error().message << "\n";
      return 1;
    }
    if (auto st = write_app_files(*document, dir); !st) {
      err << "keyline export: " << st.error().message << "\n";
      return 1;
    }
    out << "exported " << (*backend)->describe() << " to " << (dir / kExportFile).string() << "\n";
    return 0;
  }
  std::ifstream in(dir / kExportFile, std::ios::binary);
  if (!in) {
    err << "keyline import: cannot read " << (dir / kExportFile).string() << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  api::Request req;
  req.method = "POST";
  req.path = "/v1/import";
  req.content_type = "application/json";
  auto with_prompts = read_prompt_files(text.str(), dir);
  if (!with_prompts) {
    err << "keyline import: " << with_prompts.error().message << "\nnothing was written\n";
    return 1;
  }
  req.body = std::move(*with_prompts);
  // The audit log names the CLI (and the operating-system user when known) as the actor.
  const char* user = std::getenv("USER");
  const std::string actor = std::string("cli") + (user && *user ? ":" + std::string(user) : "");
  auto r = api::import_document(deps, req, actor, now);
  if (r.status != 200) {
    print_problem(r, err);
    return 1;
  }
  out << "imported into " << (*backend)->describe() << ": " << r.body << "\n";
  return 0;
}

}  // namespace keyline::server
