// The admin helper's route groups (one file each), registered together by add_admin_routes():
// the builder's tools on stored apps, SIP trunks, and reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/api_service.h"
#include "api/json.h"
#include "api/problem.h"
#include "store/trunks.h"

namespace keyline::api {

void add_app_tool_routes(ApiService& api);  // validate, audit, graph (app_tool_routes.cc)
void add_trunk_routes(ApiService& api);     // /v1/trunks (trunk_routes.cc)
void add_report_routes(ApiService& api);    // /v1/reports/* (report_routes.cc)

// Trunk bodies, shared by the trunk routes and the import (trunk_routes.cc). `existing` (PUT):
// a digest without password_ref keeps the stored one. Problems as JSON pointers.
std::vector<ProblemItem> read_trunk(const Json& body, const std::string* name_from_path,
                                    const store::TrunkRecord* existing, store::TrunkRecord& t);
// As GET shows it: whether a password reference is set, never the reference.
Json trunk_json(const store::TrunkRecord& t);
// As GET /v1/export writes it (admin only): trunk_json plus digest.password_ref, the name of
// the variable or file the server reads the password from (never the password), so that an
// import restores working credentials.
Json trunk_export_json(const store::TrunkRecord& t);

// env:NAME (a POSIX variable name) or file:/absolute/path (trunk_routes.cc).
bool valid_secret_ref(std::string_view s);

// A trunk body's "register" (trunk_register.cc): null or absent clears `out`; `existing` (PUT)
// lends its password_ref when the body names none, as for the digest. `with_ref` (export) adds
// password_ref to the JSON, which otherwise says only password_set.
void read_trunk_registration(const Json& body, const store::TrunkRegistration* existing,
                             store::TrunkRegistration& out, std::vector<ProblemItem>& errors);
Json trunk_registration_json(const store::TrunkRegistration& r, bool with_ref);

}  // namespace keyline::api
