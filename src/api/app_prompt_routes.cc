// Recorded prompt audio of API-stored apps (issue 9): GET /v1/apps/{name}/prompts and
// GET/PUT/DELETE /v1/apps/{name}/prompts/{file}. The files live in the database (app_prompts),
// not on a server's disk, so every node sharing the database plays the same audio and no API
// user ever names a server path. A WAV is decoded with the same reader the server plays prompts
// with before anything is written, so a file that would not play is refused here (422) rather
// than discovered on a call. Access follows the app's (access.h): read to list and download,
// write to upload and delete.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <span>

#include "api/access.h"
#include "api/api_service.h"
#include "api/problem.h"
#include "api/prompt_files.h"

namespace keyline::api {
namespace {

bool wav_media_type(std::string_view type) {
  type = type.substr(0, type.find(';'));
  return type.empty() || type == "audio/wav" || type == "audio/x-wav" || type == "audio/wave" ||
         type == "audio/vnd.wave" || type == "application/octet-stream";
}

Json prompt_json(const store::AppPromptInfo& p) {
  Json j;
  j.set("file", p.file);
  j.set("bytes", p.bytes);
  j.set("updated", iso_time(p.updated_unix_ms));
  return j;
}

Response no_file(const std::string& file) {
  return problem(404, "not-found", "Not found", "the app has no prompt file '" + file + "'");
}

// The app must exist and `who` needs `need` on it; the answer to send otherwise.
std::optional<Response> check_app(ApiService& api, const Principal& who, const std::string& name,
                                  Need need) {
  auto app = api.deps().apps->get(name);
  if (!app) return store_failure(app.error());
  const std::string missing = "no app named '" + name + "'";
  if (!*app) return problem(404, "not-found", "Not found", missing);
  return deny(api, who, kAppKind, name, (*app)->owner, need, missing);
}

Response list(ApiService& api, Request& req, const Principal& who) {
  const auto& name = req.params["name"];
  if (auto denied = check_app(api, who, name, Need::kRead)) return *denied;
  auto files = api.deps().apps->prompt_files(name);
  if (!files) return store_failure(files.error());
  Json::Array items;
  for (const auto& f : *files) items.push_back(prompt_json(f));
  Json body;
  body.set("app", name);
  body.set("prompts", std::move(items));
  return json_response(200, body);
}

Response download(ApiService& api, Request& req, const Principal& who) {
  const auto& name = req.params["name"];
  const auto& file = req.params["file"];
  if (auto denied = check_app(api, who, name, Need::kRead)) return *denied;
  auto audio = api.deps().apps->prompt_audio(name, file);
  if (!audio) return store_failure(audio.error());
  if (!*audio) return no_file(file);
  Response out;
  out.content_type = "audio/wav";
  out.body = std::move(**audio);
  return out;
}

Response upload(ApiService& api, Request& req, const Principal& who) {
  const auto& name = req.params["name"];
  const auto& file = req.params["file"];
  if (auto denied = check_app(api, who, name, Need::kWrite)) return *denied;
  if (!valid_prompt_file(file))
    return problem(400, "invalid-name", "Invalid prompt file name",
                   "a plain file name ending .wav: 5-100 letters, digits, '_', '-', '.'");
  if (!wav_media_type(req.content_type))
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "send the prompt as audio/wav");
  if (req.body.size() > kMaxPromptBytes)
    return problem(413, "body-too-large", "Body too large",
                   "a prompt file is at most " + std::to_string(kMaxPromptBytes) + " bytes");
  if (auto bad = prompt_audio_problem(req.body))
    return problem(422, "invalid-audio", "The file is not a WAV prompt Keyline can play", *bad);
  auto existing = api.deps().apps->prompt_files(name);
  if (!existing) return store_failure(existing.error());
  const bool replaces = std::any_of(existing->begin(), existing->end(),
                                    [&](const store::AppPromptInfo& p) { return p.file == file; });
  if (!replaces && existing->size() >= kMaxPromptsPerApp)
    return problem(422, "too-many-prompts", "Too many prompt files",
                   "an app holds at most " + std::to_string(kMaxPromptsPerApp) + " prompt files");
  auto created = api.deps().apps->put_prompt(name, file, req.body, api.now_ms());
  if (!created) return store_failure(created.error());
  api.routing_changed();  // deployments of this app play the new audio from the next call
  auto audited = api.audit(who, *created ? "app.prompt.create" : "app.prompt.update", name,
                           file + " (" + std::to_string(req.body.size()) + " bytes)");
  Response r =
      json_response(*created ? 201 : 200,
                    prompt_json({file, static_cast<std::int64_t>(req.body.size()), api.now_ms()}));
  r.headers.emplace_back("Location", "/v1/apps/" + name + "/prompts/" + file);
  if (!audited) r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

Response remove(ApiService& api, Request& req, const Principal& who) {
  const auto& name = req.params["name"];
  const auto& file = req.params["file"];
  if (auto denied = check_app(api, who, name, Need::kWrite)) return *denied;
  auto removed = api.deps().apps->remove_prompt(name, file);
  if (!removed) return store_failure(removed.error());
  if (!*removed) return no_file(file);
  api.routing_changed();
  Response r;
  r.status = 204;
  r.content_type.clear();
  if (!api.audit(who, "app.prompt.delete", name, file))
    r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

}  // namespace

void add_app_prompt_routes(ApiService& api) {
  using store::Role;
  api.add_route("GET", "/v1/apps/{name}/prompts", Role::kViewer,
                [&api](Request& req, const Principal& who) { return list(api, req, who); });
  api.add_route("GET", "/v1/apps/{name}/prompts/{file}", Role::kViewer,
                [&api](Request& req, const Principal& who) { return download(api, req, who); });
  api.add_route("PUT", "/v1/apps/{name}/prompts/{file}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) { return upload(api, req, who); });
  api.add_route("DELETE", "/v1/apps/{name}/prompts/{file}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) { return remove(api, req, who); });
}

}  // namespace keyline::api
