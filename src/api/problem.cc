#include "api/problem.h"

#include "api/json.h"

namespace keyline::api {

Response problem(int status, std::string_view code, std::string_view title, std::string_view detail,
                 const std::vector<ProblemItem>& errors) {
  Json doc;
  doc.set("type", "https://keyline.dev/problems/" + std::string(code));
  doc.set("title", title);
  doc.set("status", status);
  if (!detail.empty()) doc.set("detail", detail);
  if (!errors.empty()) {
    Json::Array list;
    for (const auto& e : errors) {
      Json item;
      item.set("where", e.where);
      item.set("detail", e.detail);
      list.push_back(std::move(item));
    }
    doc.set("errors", std::move(list));
  }
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = doc.dump();
  return r;
}

}  // namespace keyline::api
