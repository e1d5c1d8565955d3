// POST /v1/privacy/memory-scan: the server searches its own memory for values
// an operator's tool sends it masked (privacy/memory_scan.h says why the
// process scans itself and how a value is never formed in clear). Admin only:
// the answer says whether a value is in memory, which is itself worth
// guarding, and a scan reads the whole process for seconds.
#include <memory>
#include <mutex>

#include "api/api_service.h"
#include "api/problem.h"
#include "base/base64.h"
#include "base/secure_wipe.h"
#include "privacy/memory_scan.h"

namespace keyline::api {
namespace {

constexpr std::size_t kMaxProbes = 256;
constexpr std::size_t kMinProbeBytes = 3;
constexpr std::size_t kMaxProbeBytes = 256;
constexpr std::int64_t kMaxTimeLimitMs = 600000;

// Every probe's masked and key halves, wiped when the request is done (they
// are harmless apart, but they need not outlive it).
struct Probes {
  std::vector<privacy::MaskedProbe> list;
  std::vector<std::string> labels;
  ~Probes() {
    for (auto& p : list) p.wipe();
  }
};

std::optional<std::vector<std::uint8_t>> decode(const Json* field) {
  if (!field || !field->is_string()) return std::nullopt;
  const std::string& text = field->as_string();
  if (text.size() > 4 * kMaxProbeBytes) return std::nullopt;
  std::vector<std::uint8_t> out(text.size() / 4 * 3 + 3);
  auto n = base64_decode(text, out);
  if (!n) return std::nullopt;
  out.resize(*n);
  return out;
}

std::vector<ProblemItem> read_probes(const Json& body, Probes& probes, std::int64_t& time_limit) {
  std::vector<ProblemItem> errors;
  for (const auto& [key, value] : body.as_object()) {
    (void)value;
    if (key != "probes" && key != "time_limit_ms") errors.push_back({"/" + key, "unknown field"});
  }
  if (const Json* limit = body.find("time_limit_ms")) {
    auto ms = limit->as_integer();
    if (!ms || *ms < 1 || *ms > kMaxTimeLimitMs)
      errors.push_back({"/time_limit_ms", "must be 1 to 600000"});
    else
      time_limit = *ms;
  }
  const Json* list = body.find("probes");
  if (!list || !list->is_array() || list->as_array().empty() ||
      list->as_array().size() > kMaxProbes) {
    errors.push_back({"/probes", "required: a list of 1 to 256 probes"});
    return errors;
  }
  for (std::size_t i = 0; i < list->as_array().size(); ++i) {
    const Json& item = list->as_array()[i];
    const std::string where = "/probes/" + std::to_string(i);
    if (!item.is_object()) {
      errors.push_back({where, "must be an object {label, masked, key, boundary}"});
      continue;
    }
    const Json* label = item.find("label");
    if (!label || !label->is_string() || label->as_string().empty() ||
        label->as_string().size() > 64) {
      errors.push_back({where + "/label", "required: 1 to 64 characters"});
      continue;
    }
    auto masked = decode(item.find("masked"));
    auto key = decode(item.find("key"));
    if (!masked || !key || masked->size() != key->size() || masked->size() < kMinProbeBytes ||
        masked->size() > kMaxProbeBytes) {
      errors.push_back({where, "masked and key: base64 of the same length, 3 to 256 bytes"});
      if (masked) secure_wipe(*masked);
      if (key) secure_wipe(*key);
      continue;
    }
    privacy::MaskedProbe probe{std::move(*masked), std::move(*key), privacy::DigitBoundary::kNone};
    if (const Json* boundary = item.find("boundary")) {
      const std::string b = boundary->is_string() ? boundary->as_string() : "";
      if (b == "ascii")
        probe.boundary = privacy::DigitBoundary::kAscii;
      else if (b == "utf16")
        probe.boundary = privacy::DigitBoundary::kUtf16;
      else if (b != "none")
        errors.push_back({where + "/boundary", "must be none, ascii or utf16"});
    }
    probes.list.push_back(std::move(probe));
    probes.labels.push_back(label->as_string());
  }
  return errors;
}

}  // namespace

void add_privacy_routes(ApiService& api) {
  // One scan at a time: two would only slow each other down.
  auto busy = std::make_shared<std::mutex>();
  api.add_route(
      "POST", "/v1/privacy/memory-scan", store::Role::kAdmin,
      [&api, busy](Request& req, const Principal& who) {
        Response bad;
        auto body = parse_body_object(req, bad);
        // The body held masked halves only; wiped all the same.
        secure_wipe(req.body);
        if (!body) return bad;
        Probes probes;
        std::int64_t time_limit = 60000;
        auto errors = read_probes(*body, probes, time_limit);
        if (!errors.empty())
          return problem(422, "invalid-scan", "The scan request has errors", "see errors",
                         std::move(errors));
        std::unique_lock lock(*busy, std::try_to_lock);
        if (!lock.owns_lock())
          return problem(409, "scan-in-progress", "A scan is running",
                         "one memory scan at a time; try again when it ends");
        auto report = privacy::scan_own_memory(
            probes.list, privacy::MemoryScanLimits{std::chrono::milliseconds(time_limit)});
        if (!report)
          return problem(503, "scan-unavailable", "Memory scan unavailable",
                         report.error().message);
        Json::Array results;
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < probes.labels.size(); ++i) {
          Json item;
          item.set("label", probes.labels[i]);
          item.set("hits", static_cast<std::int64_t>(report->hits[i]));
          total += report->hits[i];
          results.push_back(std::move(item));
        }
        Json out;
        out.set("results", std::move(results));
        out.set("total_hits", static_cast<std::int64_t>(total));
        out.set("bytes_scanned", static_cast<std::int64_t>(report->bytes_scanned));
        out.set("bytes_unreadable", static_cast<std::int64_t>(report->bytes_unreadable));
        out.set("regions", static_cast<std::int64_t>(report->regions));
        out.set("complete", report->complete);
        out.set("elapsed_ms", static_cast<std::int64_t>(report->elapsed.count()));
        Response r = json_response(200, out);
        if (!api.audit(who, "privacy.memory_scan", "server",
                       std::to_string(probes.list.size()) + " probes, " + std::to_string(total) +
                           " hits" + (report->complete ? "" : ", incomplete")))
          r.headers.emplace_back("X-Audit-Error", "audit write failed");
        return r;
      });
}

}  // namespace keyline::api
