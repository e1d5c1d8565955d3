// Call logs, in the shapes Plum users know: src, dest, start, end, session_id,
// and detail entries with a class. Listing pages by an opaque keyset cursor
// (stable while new calls arrive, unlike an offset).
#include "api/api_service.h"
#include "api/call_access.h"
#include "api/problem.h"
#include "base/strings.h"

namespace keyline::api {
namespace {

std::string hex_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view s) {
  if (s.size() % 2 || s.size() > 512) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    auto v = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = v(s[i]), lo = v(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string encode_cursor(const store::CallRecord& last) {
  return hex_encode(std::to_string(last.start_unix_ms) + ":" + last.call_id);
}

std::optional<std::pair<std::int64_t, std::string>> decode_cursor(std::string_view cursor) {
  auto text = hex_decode(cursor);
  if (!text) return std::nullopt;
  auto colon = text->find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto start = parse_int<std::int64_t>(std::string_view(*text).substr(0, colon));
  if (!start) return std::nullopt;
  return std::make_pair(*start, text->substr(colon + 1));
}

Json direction_json(const store::MediaDirectionRecord& d) {
  Json j;
  j.set("packets", d.packets);
  j.set("lost", d.lost);
  j.set("jitter_ms", d.jitter_ms);
  j.set("mos", d.mos);
  return j;
}

// The call's media quality (docs/api.md): inbound is what the caller sent us,
// outbound what reached the caller by its RTCP reports (null without them).
Json media_json(const store::CallMediaRecord& m) {
  Json j;
  j.set("codec", m.codec);
  j.set("srtp", m.srtp);
  j.set("inbound", direction_json(m.inbound));
  j.set("outbound", m.outbound ? direction_json(*m.outbound) : Json());
  j.set("rtt_ms", m.rtt_ms ? Json(*m.rtt_ms) : Json());
  return j;
}

Json call_json(const store::CallRecord& r, bool details) {
  Json j;
  j.set("session_id", r.call_id);
  j.set("sip_call_id", r.sip_call_id);
  j.set("src", r.from);
  j.set("dest", r.to);
  j.set("app", r.app);
  j.set("start", iso_time(r.start_unix_ms));
  j.set("answer", r.answer_unix_ms ? Json(iso_time(r.answer_unix_ms)) : Json());
  j.set("end", iso_time(r.end_unix_ms));
  j.set("duration_ms", r.end_unix_ms - r.start_unix_ms);
  j.set("disposition", r.exit_reason);
  j.set("direction", r.direction);
  if (details) {
    Json::Array entries;
    for (std::size_t i = 0; i < r.visits.size(); ++i) {
      const auto& v = r.visits[i];
      Json e;
      e.set("seq", static_cast<std::int64_t>(i));
      // Every stored entry is a module visit: an "event" in Plum's classes.
      e.set("class", "event");
      e.set("page", v.page);
      e.set("module", v.module);
      e.set("type", v.type);
      e.set("result", v.result);  // redacted at write time
      entries.push_back(std::move(e));
    }
    j.set("entries", std::move(entries));
    if (r.media) j.set("media", media_json(*r.media));
  }
  return j;
}

}  // namespace

void add_call_routes(ApiService& api) {
  using store::Role;

  api.add_route("GET", "/v1/calls", Role::kViewer, [&api](Request& req, const Principal& who) {
    store::CallQuery q;
    std::vector<ProblemItem> errors;
    read_time_query(req, "from", q.from_unix_ms, errors);
    read_time_query(req, "to", q.to_unix_ms, errors);
    read_limit_query(req, q.limit, errors);
    if (auto v = req.query_value("cursor")) {
      q.after = decode_cursor(*v);
      if (!q.after) errors.push_back({"cursor", "not a cursor this API returned"});
    }
    if (auto v = req.query_value("details")) {
      if (*v != "true" && *v != "false")
        errors.push_back({"details", "must be true or false"});
      else
        q.with_details = *v == "true";
    }
    q.number = req.query_value("number").value_or("");
    q.app = req.query_value("app").value_or("");
    q.disposition = req.query_value("disposition").value_or("");
    for (const auto& [key, value] : req.query) {
      (void)value;
      if (key != "from" && key != "to" && key != "limit" && key != "cursor" && key != "details" &&
          key != "number" && key != "app" && key != "disposition")
        errors.push_back({key, "unknown parameter"});
    }
    if (!errors.empty())
      return problem(400, "invalid-parameter", "Invalid query parameters", "see errors", errors);
    // Only the calls of deployments the caller may see (call_access.h), filtered in the query
    // so pages stay full and cursors stay valid.
    auto readable = readable_call_deployments(api, who);
    if (!readable) return store_failure(readable.error());
    q.deployments = std::move(*readable);
    auto rows = api.deps().calls->query(q);
    if (!rows) return store_failure(rows.error());
    Json::Array calls;
    for (const auto& r : *rows) calls.push_back(call_json(r, q.with_details));
    Json body;
    body.set("calls", std::move(calls));
    bool full = static_cast<int>(rows->size()) == q.limit;
    body.set("next_cursor", full ? Json(encode_cursor(rows->back())) : Json());
    return json_response(200, body);
  });

  api.add_route("GET", "/v1/calls/{session_id}", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  auto call = api.deps().calls->get(req.params["session_id"]);
                  if (!call) return store_failure(call.error());
                  if (!*call) return problem(404, "not-found", "Not found", "no such call");
                  // Another's call answers as one that does not exist (access.h).
                  auto readable = call_deployment_readable(api, who, (*call)->deployment);
                  if (!readable) return store_failure(readable.error());
                  if (!*readable) return problem(404, "not-found", "Not found", "no such call");
                  return json_response(200, call_json(**call, true));
                });
}

}  // namespace keyline::api
