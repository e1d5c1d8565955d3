// The export and import behind GET /v1/export and POST /v1/import, callable without the HTTP
// layer so `keyline export` / `keyline import` run the very same code against the configured
// database (server/export_command.cc).
#pragma once

#include <cstdint>
#include <string>

#include "api/api_service.h"
#include "api/http_types.h"

namespace keyline::api {

// Every app with all its revisions and every deployment, as one JSON document (200), or a
// problem document. Uses deps.apps, deps.deployments and deps.transaction.
Response export_document(const ApiDependencies& deps, std::int64_t now_ms);

// Reads `req.body` (an export document) and writes all of it in one transaction, or nothing:
// 200 with counts, or a problem document (422 invalid, 409 a name exists). `actor` is recorded
// as the audit entry's actor and as the owner/author where the document names none.
Response import_document(const ApiDependencies& deps, const Request& req, const std::string& actor,
                         std::int64_t now_ms);

}  // namespace keyline::api
