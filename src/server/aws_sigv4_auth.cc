#include "server/aws_sigv4_auth.h"

#include <vector>

#include "server/oauth2_send.h"
#include "sip/digest_hash.h"

namespace keyline::server {

std::string encode_sigv4_auth(const flow::AwsSigV4Settings& settings) {
  return "aws_sigv4\n" + settings.region + "\n" + settings.service + "\n" + settings.access_key_id +
         "\n" + settings.secret_access_key;
}

std::optional<flow::AwsSigV4Settings> decode_sigv4_auth(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find('\n', start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts.size() != 5 || parts[0] != "aws_sigv4") return std::nullopt;
  return flow::AwsSigV4Settings{parts[1], parts[2], parts[3], parts[4]};
}

Status sign_with_sigv4(services::HttpRequest& request, const flow::AwsSigV4Settings& settings,
                       const std::map<std::string, std::string>& allowed) {
  auto key_id = resolve_app_secret(settings.access_key_id, allowed);
  if (!key_id) return make_error("aws_sigv4", "access_key_id: " + key_id.error().message);
  auto secret = resolve_app_secret(settings.secret_access_key, allowed);
  if (!secret) return make_error("aws_sigv4", "secret_access_key: " + secret.error().message);
  services::HttpRequest::AwsSigV4 sig;
  sig.region = settings.region;
  sig.service = settings.service;
  sig.access_key_id.assign(key_id->data(), key_id->size());
  sig.secret_access_key.assign(secret->data(), secret->size());
  request.aws_sigv4 = std::move(sig);
  request.headers.emplace_back("x-amz-content-sha256", sip::sha256_hex(request.body));
  return Ok{};
}

}  // namespace keyline::server
