// The app-level web-service rules a REST request must pass before it is handed to the host:
// a secure app calls https:// only (no opt-out), and an app that lists "egress" hosts calls
// only those. The server's own http.egress.allow still applies in the HTTP client, so the
// hosts a call can reach are the intersection of both lists: an app can narrow, never widen.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/app_document.h"

namespace keyline::flow {

// The host of an absolute http(s) URL, lower case, without port, user info or brackets;
// empty when there is none.
std::string url_host(std::string_view url);

// Whether `host` matches an "egress" entry: the exact name, or "*.example.com" for any name
// under example.com (not example.com itself). Case-insensitive.
bool egress_entry_matches(std::string_view entry, std::string_view host);

// Why the app refuses to send a request to `url` (a message naming the host, never a path or
// query, which may hold values); nullopt when the app allows it.
std::optional<std::string> app_egress_refusal(const AppSettings& settings, std::string_view url);

// Checks a document's egress entries: each is a host name or "*.domain" (no scheme, path,
// port or bare "*"). Returns one message per bad entry.
std::vector<std::string> check_egress_entries(const std::vector<std::string>& entries);

}  // namespace keyline::flow
