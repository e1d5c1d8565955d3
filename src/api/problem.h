// Error responses as RFC 9457 problem documents: a stable `type` URI per kind
// of error (the part after "/problems/" is the stable code clients match on),
// a title, a detail, and for validation errors an `errors` list of
// {pointer or location, detail}.
#pragma once

#include <string>
#include <vector>

#include "api/http_types.h"

namespace keyline::api {

struct ProblemItem {
  std::string where;  // "/numbers/0" (JSON pointer) or "app.json:3:7"
  std::string detail;
};

// `code` is the stable machine-readable name ("not-found", "invalid-body", ...).
Response problem(int status, std::string_view code, std::string_view title, std::string_view detail,
                 const std::vector<ProblemItem>& errors = {});

}  // namespace keyline::api
