// Recordings metadata (issue 9): GET /v1/recordings (filters, keyset pages by id), GET
// /v1/recordings/{id}, GET /v1/recordings/{id}/audio (the WAV while it is still on this server's
// disk: developers and admins only, and every download is audit-logged, because it is a caller's
// voice) and DELETE /v1/recordings/{id} (removes the file, keeps the row marked deleted).
// A recording follows its call's sharing (call_access.h): a caller sees, downloads or deletes it
// only when they may read the call (the deployment that routed it); another's recording answers
// 404, as another's call does, and lists leave it out. Viewers may list and read metadata only.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/api_service.h"
#include "api/call_access.h"
#include "api/problem.h"
#include "base/strings.h"

namespace keyline::api {
namespace {

Json recording_json(const store::RecordingRecord& r) {
  Json j;
  j.set("id", r.id);
  j.set("session_id", r.session_id);
  j.set("deployment", r.deployment);
  j.set("app", r.app);
  j.set("channels", r.channels);
  j.set("duration_ms", static_cast<std::int64_t>(r.duration_s * 1000.0 + 0.5));
  j.set("bytes", r.bytes);
  j.set("created", iso_time(r.created_unix_ms));
  j.set("upload_state", std::string(store::upload_state_name(r.upload_state)));
  j.set("uploaded_url", r.uploaded_url.empty() ? Json() : Json(r.uploaded_url));
  j.set("deleted", r.deleted);
  // The server-side path is not shown: it says nothing a client can use.
  return j;
}

std::optional<std::int64_t> id_param(Request& req) {
  auto id = parse_int<std::int64_t>(req.params["id"]);
  if (!id || *id < 1) return std::nullopt;
  return id;
}

Response not_found() { return problem(404, "not-found", "Not found", "no such recording"); }

// The recording `id` names when `who` may read its call; nullopt and `denied` set otherwise
// (404 for no such row or another's, or the store's failure).
std::optional<store::RecordingRecord> readable_recording(ApiService& api, Request& req,
                                                         const Principal& who, Response& denied) {
  auto id = id_param(req);
  if (!id) {
    denied = not_found();
    return std::nullopt;
  }
  auto row = api.deps().recordings->get(*id);
  if (!row) {
    denied = store_failure(row.error());
    return std::nullopt;
  }
  if (!*row) {
    denied = not_found();
    return std::nullopt;
  }
  auto readable = call_deployment_readable(api, who, (*row)->deployment);
  if (!readable) {
    denied = store_failure(readable.error());
    return std::nullopt;
  }
  if (!*readable) {
    denied = not_found();
    return std::nullopt;
  }
  return std::move(**row);
}

Response list(ApiService& api, Request& req, const Principal& who) {
  store::RecordingFilter f;
  std::vector<ProblemItem> errors;
  read_time_query(req, "from", f.from_unix_ms, errors);
  read_time_query(req, "to", f.to_unix_ms, errors);
  read_limit_query(req, f.limit, errors);
  if (auto v = req.query_value("cursor")) {
    auto n = parse_int<std::int64_t>(*v);
    if (!n || *n < 1)
      errors.push_back({"cursor", "not a cursor this API returned"});
    else
      f.before_id = *n;
  }
  f.app = req.query_value("app").value_or("");
  f.session_id = req.query_value("session_id").value_or("");
  for (const auto& [key, value] : req.query) {
    (void)value;
    if (key != "from" && key != "to" && key != "limit" && key != "cursor" && key != "app" &&
        key != "session_id")
      errors.push_back({key, "unknown parameter"});
  }
  if (!errors.empty())
    return problem(400, "invalid-parameter", "Invalid query parameters", "see errors", errors);
  auto readable = readable_call_deployments(api, who);
  if (!readable) return store_failure(readable.error());
  f.deployments = std::move(*readable);
  auto rows = api.deps().recordings->list(f);
  if (!rows) return store_failure(rows.error());
  Json::Array items;
  for (const auto& r : *rows) items.push_back(recording_json(r));
  Json body;
  body.set("recordings", std::move(items));
  const bool full = static_cast<int>(rows->size()) == f.limit;
  body.set("next_cursor", full ? Json(std::to_string(rows->back().id)) : Json());
  return json_response(200, body);
}

Response audio(ApiService& api, Request& req, const Principal& who) {
  Response denied;
  auto row = readable_recording(api, req, who, denied);
  if (!row) return denied;
  const store::RecordingRecord& r = *row;
  std::ifstream in(r.path, std::ios::binary);
  if (r.deleted || !in)
    return problem(410, "gone", "Gone",
                   r.upload_state == store::UploadState::kUploaded
                       ? "the recording was uploaded and is no longer on this server"
                       : "the recording's file is no longer on this server");
  // Logged before it is sent: a download that fails half-way was still asked for.
  const bool audited = static_cast<bool>(
      api.audit(who, "recording.download", std::to_string(r.id), "session " + r.session_id));
  Response out;
  out.content_type = "audio/wav";
  out.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  out.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"recording-" + std::to_string(r.id) + ".wav\"");
  out.headers.emplace_back("Cache-Control", "no-store");
  if (!audited) out.headers.emplace_back("X-Audit-Error", "audit write failed");
  return out;
}

Response remove(ApiService& api, Request& req, const Principal& who) {
  Response denied;
  auto row = readable_recording(api, req, who, denied);
  if (!row) return denied;
  std::error_code ec;
  std::filesystem::remove(row->path, ec);  // absent already: fine
  if (ec)
    return problem(500, "io", "The file could not be deleted", "the server's log has no more");
  auto marked = api.deps().recordings->mark_deleted(row->id);
  if (!marked) return store_failure(marked.error());
  Response r;
  r.status = 204;
  r.content_type.clear();
  if (!api.audit(who, "recording.delete", std::to_string(row->id), "session " + row->session_id))
    r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

}  // namespace

void add_recording_routes(ApiService& api) {
  using store::Role;
  if (!api.deps().recordings) return;  // a service built without recordings (tools, tests)
  api.add_route("GET", "/v1/recordings", Role::kViewer,
                [&api](Request& req, const Principal& who) { return list(api, req, who); });
  api.add_route("GET", "/v1/recordings/{id}", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  Response denied;
                  auto row = readable_recording(api, req, who, denied);
                  if (!row) return denied;
                  return json_response(200, recording_json(*row));
                });
  api.add_route("GET", "/v1/recordings/{id}/audio", Role::kDeveloper,
                [&api](Request& req, const Principal& who) { return audio(api, req, who); });
  api.add_route("DELETE", "/v1/recordings/{id}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) { return remove(api, req, who); });
}

}  // namespace keyline::api
