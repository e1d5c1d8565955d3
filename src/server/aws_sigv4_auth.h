// AWS Signature V4 for a recording upload to S3-compatible storage (docs/apps.md, "Uploading
// the call recording"): how the post-call queue's `auth` column holds the app's settings
// (references to the keys, never the keys), and signing one attempt with the resolved keys.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "flow/web_request.h"
#include "services/http_types.h"

namespace keyline::server {

// "aws_sigv4\n<region>\n<service>\n<key id reference>\n<secret reference>".
std::string encode_sigv4_auth(const flow::AwsSigV4Settings& settings);
std::optional<flow::AwsSigV4Settings> decode_sigv4_auth(std::string_view text);

// Resolves both key references against http.app_secrets (`allowed`) and has libcurl sign
// `request` with them. Adds x-amz-content-sha256 (the body's SHA-256, which S3 requires and
// which the signature covers). Errors name the reference, never a key.
Status sign_with_sigv4(services::HttpRequest& request, const flow::AwsSigV4Settings& settings,
                       const std::map<std::string, std::string>& allowed);

}  // namespace keyline::server
