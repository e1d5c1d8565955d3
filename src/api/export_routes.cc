// Moving apps and deployments between databases (SQLite to PostgreSQL, one
// server to another, files under version control): GET /v1/export writes
// every app with all its revisions and every deployment as one JSON
// document; POST /v1/import reads one back. The import checks every app
// revision as PUT /v1/apps would before writing anything, then writes all of
// it in one transaction: any problem (a bad deployment, a name that exists)
// rolls back everything and answers with a problem document.
//
// Each app carries its recorded prompt files ("prompts": file, bytes, sha256, updated and the
// audio as base64). The import checks every one as PUT /v1/apps/{name}/prompts/{file} would
// (name, size, a WAV Keyline can play, at most kMaxPromptsPerApp) and against its checksum
// before anything is written. `keyline export` moves the audio out to files beside the
// document and `keyline import` puts it back (server/export_command.cc).
#include <algorithm>
#include <cstdint>
#include <set>
#include <span>

#include "api/admin_routes.h"
#include "api/api_service.h"
#include "api/export_import.h"
#include "api/problem.h"
#include "api/prompt_files.h"
#include "api/route_helpers.h"
#include "base/base64.h"

namespace keyline::api {
namespace {

constexpr int kFormat = 1;

struct ImportedPrompt {
  std::string file;
  std::string audio;  // the bytes, checked
  std::int64_t updated_unix_ms = 0;
};

struct ImportedApp {
  store::AppRecord app;
  std::vector<store::AppRevision> revisions;
  std::vector<ImportedPrompt> prompts;
};

// A time member: absent → `fallback`; present but unreadable → a problem.
std::int64_t read_time(const Json& object, const char* key, std::int64_t fallback,
                       const std::string& where, std::vector<ProblemItem>& errors) {
  const Json* value = object.find(key);
  if (!value) return fallback;
  std::optional<std::int64_t> parsed;
  if (value->is_string()) parsed = parse_time(value->as_string());
  if (!parsed) errors.push_back({where + "/" + key, "must be an ISO 8601 UTC time"});
  return parsed.value_or(fallback);
}

// The bytes of a base64 member, or nullopt (`errors` says why). Refuses text that would decode
// to more than `max_bytes` before decoding any of it.
std::optional<std::string> read_base64(const Json& text, std::size_t max_bytes,
                                       const std::string& where, std::vector<ProblemItem>& errors) {
  if (!text.is_string()) {
    errors.push_back({where, "required: the file's bytes as base64"});
    return std::nullopt;
  }
  const std::string& b64 = text.as_string();
  if (b64.size() / 4 * 3 > max_bytes + 3) {
    errors.push_back({where, "larger than " + std::to_string(max_bytes) + " bytes"});
    return std::nullopt;
  }
  std::string bytes(b64.size() / 4 * 3 + 3, '\0');
  auto n =
      base64_decode(b64, std::span(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()));
  if (!n) {
    errors.push_back({where, "not base64"});
    return std::nullopt;
  }
  bytes.resize(*n);
  return bytes;
}

// An app's "prompts" (optional: exports from before prompts were exported have none), each
// checked as the prompts route checks an upload, and against the manifest's size and checksum.
void read_prompts(const Json& app, const std::string& where, std::int64_t now,
                  std::vector<ImportedPrompt>& out, std::vector<ProblemItem>& errors) {
  const Json* prompts = app.find("prompts");
  if (!prompts) return;
  if (!prompts->is_array() || prompts->as_array().size() > kMaxPromptsPerApp) {
    errors.push_back({where + "/prompts", "must be a list of at most " +
                                              std::to_string(kMaxPromptsPerApp) + " prompt files"});
    return;
  }
  std::set<std::string> files;
  const auto& list = prompts->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = where + "/prompts/" + std::to_string(i);
    const Json& p = list[i];
    if (!p.is_object()) {
      errors.push_back({at, "must be an object"});
      continue;
    }
    for (const auto& [key, value] : p.as_object()) {
      (void)value;
      if (key != "file" && key != "bytes" && key != "sha256" && key != "updated" && key != "audio")
        errors.push_back({at + "/" + key, "unknown field"});
    }
    ImportedPrompt prompt;
    const Json* file = p.find("file");
    if (!file || !file->is_string() || !valid_prompt_file(file->as_string())) {
      errors.push_back({at + "/file", "required: a plain file name ending .wav"});
      continue;
    }
    prompt.file = file->as_string();
    if (!files.insert(prompt.file).second)
      errors.push_back({at + "/file", "'" + prompt.file + "' appears twice"});
    prompt.updated_unix_ms = read_time(p, "updated", now, at, errors);
    const Json* audio = p.find("audio");
    if (!audio) {
      errors.push_back({at + "/audio",
                        "required: the file's bytes (keyline import reads them "
                        "from the export directory)"});
      continue;
    }
    auto bytes = read_base64(*audio, kMaxPromptBytes, at + "/audio", errors);
    if (!bytes) continue;
    const Json* sha = p.find("sha256");
    if (!sha || !sha->is_string() || sha->as_string() != sha256_hex(*bytes)) {
      errors.push_back({at + "/sha256", "'" + prompt.file +
                                            "': the checksum does not match the file "
                                            "(changed or damaged since the export)"});
      continue;
    }
    if (const Json* size = p.find("bytes");
        size && size->as_integer() != std::optional<std::int64_t>(bytes->size()))
      errors.push_back({at + "/bytes", "'" + prompt.file + "': not the file's size"});
    if (auto bad = prompt_audio_problem(*bytes)) {
      errors.push_back({at + "/audio", "'" + prompt.file + "': " + *bad});
      continue;
    }
    prompt.audio = std::move(*bytes);
    out.push_back(std::move(prompt));
  }
}

std::optional<ImportedApp> read_app(const Json& j, const std::string& where,
                                    const std::string& actor, std::int64_t now,
                                    std::vector<ProblemItem>& errors) {
  const std::size_t before = errors.size();
  if (!j.is_object()) {
    errors.push_back({where, "must be an object"});
    return std::nullopt;
  }
  ImportedApp out;
  const Json* name = j.find("name");
  if (!name || !name->is_string() || !valid_name(name->as_string())) {
    errors.push_back({where + "/name", "required: 1-64 letters, digits, '_' or '-'"});
    return std::nullopt;
  }
  out.app.name = name->as_string();
  const Json* owner = j.find("owner");
  out.app.owner = owner && owner->is_string() ? owner->as_string() : actor;
  const Json* folder = j.find("folder");
  out.app.folder = folder && folder->is_string() ? folder->as_string() : "";
  const Json* revisions = j.find("revisions");
  if (!revisions || !revisions->is_array() || revisions->as_array().empty()) {
    errors.push_back({where + "/revisions", "required: a non-empty list of revisions"});
    return std::nullopt;
  }
  const auto& list = revisions->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = where + "/revisions/" + std::to_string(i);
    const Json& r = list[i];
    if (!r.is_object()) {
      errors.push_back({at, "must be an object"});
      continue;
    }
    store::AppRevision rev;
    rev.app = out.app.name;
    const Json* number = r.find("revision");
    auto n = number ? number->as_integer() : std::nullopt;
    if (!n || *n < 1 || *n > 1'000'000) {
      errors.push_back({at + "/revision", "required: a revision number from 1"});
      continue;
    }
    rev.revision = static_cast<int>(*n);
    const Json* author = r.find("author");
    rev.author = author && author->is_string() ? author->as_string() : actor;
    rev.created_unix_ms = read_time(r, "created", now, at, errors);
    // The exact text as stored (a string), or an object written by hand.
    const Json* document = r.find("document");
    if (document && document->is_string())
      rev.document = document->as_string();
    else if (document && document->is_object())
      rev.document = document->dump();
    else {
      errors.push_back({at + "/document", "required: the app document (a string or an object)"});
      continue;
    }
    auto problems = check_app_document(out.app.name, rev.document);
    for (auto& p : problems.items)
      errors.push_back({at + "/document" + (p.where.empty() ? "" : " " + p.where), p.detail});
    out.revisions.push_back(std::move(rev));
  }
  if (errors.size() != before) return std::nullopt;
  std::sort(out.revisions.begin(), out.revisions.end(),
            [](const auto& a, const auto& b) { return a.revision < b.revision; });
  for (std::size_t i = 0; i < out.revisions.size(); ++i)
    if (out.revisions[i].revision != static_cast<int>(i + 1)) {
      errors.push_back({where + "/revisions", "revisions must be numbered 1, 2, ... once each"});
      return std::nullopt;
    }
  out.app.latest_revision = static_cast<int>(out.revisions.size());
  if (const Json* latest = j.find("latest_revision");
      latest && latest->as_integer() != std::optional<std::int64_t>(out.app.latest_revision))
    errors.push_back({where + "/latest_revision", "must be the highest revision number"});
  out.app.created_unix_ms =
      read_time(j, "created", out.revisions.front().created_unix_ms, where, errors);
  out.app.updated_unix_ms =
      read_time(j, "updated", out.revisions.back().created_unix_ms, where, errors);
  read_prompts(j, where, now, out.prompts, errors);
  if (errors.size() != before) return std::nullopt;
  return out;
}

}  // namespace

Response export_document(const ApiDependencies& deps, std::int64_t now_ms) {
  Json::Array apps_out;
  Json::Array deployments_out;
  Json::Array trunks_out;
  auto collect = [&]() -> Status {
    auto apps = deps.apps->list();
    if (!apps) return apps.error();
    for (const auto& a : *apps) {
      auto revisions = deps.apps->revisions(a.name);
      if (!revisions) return revisions.error();
      Json::Array revs;
      for (auto it = revisions->rbegin(); it != revisions->rend(); ++it) {
        auto full = deps.apps->revision(a.name, it->revision);
        if (!full) return full.error();
        if (!*full) continue;
        Json r;
        r.set("revision", (*full)->revision);
        r.set("author", (*full)->author);
        r.set("created", iso_time((*full)->created_unix_ms));
        r.set("document", (*full)->document);  // byte for byte, as submitted
        revs.push_back(std::move(r));
      }
      Json j;
      j.set("name", a.name);
      j.set("owner", a.owner);
      j.set("folder", a.folder);
      j.set("created", iso_time(a.created_unix_ms));
      j.set("updated", iso_time(a.updated_unix_ms));
      j.set("latest_revision", a.latest_revision);
      j.set("revisions", std::move(revs));
      auto files = deps.apps->prompt_files(a.name);
      if (!files) return files.error();
      Json::Array prompts;
      for (const auto& f : *files) {
        auto audio = deps.apps->prompt_audio(a.name, f.file);
        if (!audio) return audio.error();
        if (!*audio) continue;
        const std::string& bytes = **audio;
        Json p;
        p.set("file", f.file);
        p.set("bytes", static_cast<std::int64_t>(bytes.size()));
        p.set("sha256", sha256_hex(bytes));
        p.set("updated", iso_time(f.updated_unix_ms));
        p.set("audio", base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                               bytes.size())));
        prompts.push_back(std::move(p));
      }
      j.set("prompts", std::move(prompts));
      apps_out.push_back(std::move(j));
    }
    auto deployments = deps.deployments->list();
    if (!deployments) return deployments.error();
    for (const auto& d : *deployments) deployments_out.push_back(deployment_json(d));
    if (deps.trunks) {
      auto trunks = deps.trunks->list();
      if (!trunks) return trunks.error();
      for (const auto& t : *trunks) trunks_out.push_back(trunk_export_json(t));
    }
    return Ok{};
  };
  // One transaction: a consistent picture even while others write.
  auto st = deps.transaction ? deps.transaction(collect) : collect();
  if (!st) return store_failure(st.error());
  Json body;
  body.set("keyline_export", kFormat);
  body.set("exported", iso_time(now_ms));
  body.set("apps", std::move(apps_out));
  body.set("deployments", std::move(deployments_out));
  body.set("trunks", std::move(trunks_out));
  return json_response(200, body);
}

Response import_document(const ApiDependencies& deps, const Request& req, const std::string& actor,
                         std::int64_t now_ms) {
  if (!deps.transaction)
    return problem(501, "not-implemented", "Not implemented", "this server cannot import");
  Response bad;
  auto body = parse_body_object(req, bad);
  if (!body) return bad;
  std::vector<ProblemItem> errors;
  const Json* format = body->find("keyline_export");
  if (!format || format->as_integer() != std::optional<std::int64_t>(kFormat))
    errors.push_back({"/keyline_export", "required: 1 (the format GET /v1/export writes)"});
  for (const auto& [key, value] : body->as_object()) {
    (void)value;
    if (key != "keyline_export" && key != "exported" && key != "apps" && key != "deployments" &&
        key != "trunks")
      errors.push_back({"/" + key, "unknown field"});
  }
  std::vector<ImportedApp> apps;
  std::set<std::string> names;
  const Json* apps_json = body->find("apps");
  if (!apps_json || !apps_json->is_array()) {
    errors.push_back({"/apps", "required: a list of apps"});
  } else {
    for (std::size_t i = 0; i < apps_json->as_array().size(); ++i) {
      const std::string where = "/apps/" + std::to_string(i);
      auto app = read_app(apps_json->as_array()[i], where, actor, now_ms, errors);
      if (!app) continue;
      if (!names.insert(app->app.name).second)
        errors.push_back({where + "/name", "'" + app->app.name + "' appears twice"});
      apps.push_back(std::move(*app));
    }
  }
  const Json* deployments_json = body->find("deployments");
  if (deployments_json && !deployments_json->is_array())
    errors.push_back({"/deployments", "must be a list of deployments"});
  // Trunks (optional: exports from before trunks existed have none) are checked as POST
  // /v1/trunks checks them; a deployment may then name one imported with it.
  std::vector<store::TrunkRecord> trunks;
  if (const Json* trunks_json = body->find("trunks")) {
    if (!trunks_json->is_array()) {
      errors.push_back({"/trunks", "must be a list of trunks"});
    } else if (!deps.trunks && !trunks_json->as_array().empty()) {
      errors.push_back({"/trunks", "this server keeps no trunks"});
    } else {
      std::set<std::string> trunk_names;
      for (std::size_t i = 0; i < trunks_json->as_array().size(); ++i) {
        const std::string where = "/trunks/" + std::to_string(i);
        const Json& j = trunks_json->as_array()[i];
        if (!j.is_object()) {
          errors.push_back({where, "must be an object"});
          continue;
        }
        store::TrunkRecord t;
        for (auto& p : read_trunk(j, nullptr, nullptr, t))
          errors.push_back({where + p.where, p.detail});
        t.created_unix_ms = read_time(j, "created", now_ms, where, errors);
        t.updated_unix_ms = read_time(j, "updated", t.created_unix_ms, where, errors);
        if (!t.name.empty() && !trunk_names.insert(t.name).second)
          errors.push_back({where + "/name", "'" + t.name + "' appears twice"});
        trunks.push_back(std::move(t));
      }
    }
  }
  if (!errors.empty())
    return problem(422, "invalid-import", "The import document has errors",
                   "nothing was written; see errors", errors);

  // Everything below runs in one transaction; `status` says how it failed.
  int status = 0;
  std::size_t deployment_count = 0;
  std::size_t prompt_count = 0;
  auto st = deps.transaction([&]() -> Status {
    for (std::size_t i = 0; i < trunks.size(); ++i) {
      auto existing = deps.trunks->get(trunks[i].name);
      if (!existing) return existing.error();
      if (*existing) {
        status = 409;
        errors.push_back({"/trunks/" + std::to_string(i) + "/name",
                          "a trunk named '" + trunks[i].name + "' exists"});
        return make_error("conflict", "trunk exists");
      }
      if (auto c = deps.trunks->create(trunks[i]); !c) return c;
    }
    for (const auto& a : apps) {
      if (auto r = deps.apps->restore(a.app, a.revisions); !r) {
        if (r.error().kind == "conflict") {
          status = 409;
          errors.push_back({"/apps", r.error().message});
        }
        return r;
      }
      for (const auto& p : a.prompts) {
        auto put = deps.apps->put_prompt(a.app.name, p.file, p.audio, p.updated_unix_ms);
        if (!put) return put.error();
        ++prompt_count;
      }
    }
    if (!deployments_json) return Ok{};
    const auto& list = deployments_json->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where = "/deployments/" + std::to_string(i);
      if (!list[i].is_object()) {
        errors.push_back({where, "must be an object"});
        continue;
      }
      // created/updated are the import's to keep; the rest is a POST /v1/deployments body.
      Json fields = Json(Json::Object{});
      for (const auto& [key, value] : list[i].as_object())
        if (key != "created" && key != "updated" && key != "owner") fields.set(key, value);
      store::DeploymentRecord d;
      for (auto& p : read_deployment(deps, fields, nullptr, d))
        errors.push_back({where + p.where, p.detail});
      // Like an app's: the exported owner, else whoever imports it.
      const Json* owner = list[i].find("owner");
      d.owner = owner && owner->is_string() ? owner->as_string() : actor;
      d.created_unix_ms = read_time(list[i], "created", now_ms, where, errors);
      d.updated_unix_ms = read_time(list[i], "updated", d.created_unix_ms, where, errors);
      if (!errors.empty()) continue;
      auto existing = deps.deployments->get(d.label);
      if (!existing) return existing.error();
      if (*existing) {
        status = 409;
        errors.push_back({where + "/label", "a deployment labelled '" + d.label + "' exists"});
        return make_error("conflict", "deployment exists");
      }
      if (auto c = deps.deployments->create(d); !c) return c;
      ++deployment_count;
    }
    if (!errors.empty()) {
      status = 422;
      return make_error("invalid", "invalid deployments");
    }
    return Ok{};
  });
  if (!st && status == 409)
    return problem(409, "already-exists", "Already exists",
                   "nothing was written: import into a database without these names", errors);
  if (!st && status == 422)
    return problem(422, "invalid-import", "The import document has errors",
                   "nothing was written; see errors", errors);
  if (!st) return store_failure(st.error());
  if (deps.routing_changed) deps.routing_changed();
  Json result;
  result.set("apps", static_cast<std::int64_t>(apps.size()));
  result.set("deployments", static_cast<std::int64_t>(deployment_count));
  result.set("trunks", static_cast<std::int64_t>(trunks.size()));
  result.set("prompts", static_cast<std::int64_t>(prompt_count));
  Response r = json_response(200, result);
  if (!deps.audit->append(store::AuditEntry{
          0, now_ms, actor, "import", "",
          std::to_string(apps.size()) + " apps, " + std::to_string(deployment_count) +
              " deployments, " + std::to_string(trunks.size()) + " trunks, " +
              std::to_string(prompt_count) + " prompt files"}))
    r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

void add_export_routes(ApiService& api) {
  api.add_route("GET", "/v1/export", store::Role::kAdmin, [&api](Request&, const Principal&) {
    return export_document(api.deps(), api.now_ms());
  });
  api.add_route("POST", "/v1/import", store::Role::kAdmin,
                [&api](Request& req, const Principal& who) {
                  return import_document(api.deps(), req, who.email, api.now_ms());
                });
}

}  // namespace keyline::api
