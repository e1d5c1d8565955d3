#include "flow/rest_module.h"

#include <algorithm>
#include <span>

#include "base/base64.h"
#include "flow/json_value.h"
#include "flow/secure_wipe.h"
#include "flow/xml_value.h"

namespace keyline::flow {
namespace {

bool is_https(std::string_view url) {
  if (url.size() < 8) return false;
  std::string scheme(url.substr(0, 8));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme == "https://";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string_view rest_method_name(RestMethod method) {
  switch (method) {
    case RestMethod::kGet:
      return "GET";
    case RestMethod::kPost:
      return "POST";
    case RestMethod::kPostRaw:
      return "POST_RAW";
    case RestMethod::kPut:
      return "PUT";
    case RestMethod::kPatch:
      return "PATCH";
    case RestMethod::kDelete:
      return "DELETE";
  }
  return "GET";
}

Result<WebRequest> build_rest_request(const Module& module, const Variables& variables) {
  const auto& s = std::get<RestSettings>(module.settings);
  const std::function<std::string(std::string_view)> encode = url_encode;
  bool used_private = module.is_private;
  WebRequest r;
  r.module = module.name;
  r.timeout = s.timeout;
  r.method = s.method == RestMethod::kPostRaw ? "POST" : std::string(rest_method_name(s.method));
  {
    // Placeholders in scheme://host:port are inserted as they are ("https://{{payment_host}}"),
    // those in the path, query and fragment URL-encoded.
    const std::string_view url = s.url;
    const auto scheme = url.find("://");
    std::size_t boundary =
        url.find_first_of("/?#", scheme == std::string_view::npos ? 0 : scheme + 3);
    if (boundary == std::string_view::npos) boundary = url.size();
    r.url = substitute(url.substr(0, boundary), variables, &used_private);
    std::string rest = substitute_encoded(url.substr(boundary), variables, encode, &used_private);
    r.url += rest;
    secure_wipe(rest);
  }
  for (const auto& [name, value] : s.headers) {
    std::string v = substitute(value, variables, &used_private);
    // A line break inserted from a variable (a web service's answer, say) must not start a
    // header of its own.
    std::replace_if(
        v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    r.headers.emplace_back(name, std::move(v));
  }
  if (s.method == RestMethod::kPost) {
    for (const auto& [name, value] : s.form) {
      if (!r.body.empty()) r.body += '&';
      // The whole value is encoded (the builder's text and the inserted values alike).
      std::string plain = substitute(value, variables, &used_private);
      std::string encoded = url_encode(plain);
      r.body += url_encode(name) + "=" + encoded;
      secure_wipe(plain);
      secure_wipe(encoded);
    }
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else if (s.method != RestMethod::kGet && !s.body.empty()) {
    r.body = substitute(s.body, variables, &used_private);
    r.headers.emplace_back("Content-Type",
                           s.content_type.empty() ? "application/json" : s.content_type);
  }
  if (s.auth == RestSettings::Auth::kBasic) {
    std::string pair = substitute(s.auth_user, variables, &used_private) + ":" +
                       substitute(s.auth_password, variables, &used_private);
    r.headers.emplace_back(
        "Authorization",
        "Basic " + base64_encode(
                       std::span(reinterpret_cast<const std::uint8_t*>(pair.data()), pair.size())));
    secure_wipe(pair);
  } else if (s.auth == RestSettings::Auth::kBearer) {
    r.headers.emplace_back("Authorization",
                           "Bearer " + substitute(s.auth_token, variables, &used_private));
  }
  switch (s.return_type) {
    case RestReturnType::kJson:
      r.headers.emplace_back("Accept", "application/json");
      break;
    case RestReturnType::kCsv:
      r.headers.emplace_back("Accept", "text/csv");
      break;
    case RestReturnType::kXml:
      r.headers.emplace_back("Accept", "application/xml, text/xml");
      break;
    default:
      break;
  }
  r.oauth2 = s.oauth2;
  r.carries_private = used_private;
  if (used_private && !is_https(r.url)) {
    wipe(r);
    return make_error("rest", "a private value may only be sent over https");
  }
  return r;
}

RestResult read_rest_response(const RestSettings& settings, const WebResponse& response,
                              bool is_private) {
  RestResult out;
  Value data;
  switch (settings.return_type) {
    case RestReturnType::kJson: {
      if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) break;  // no body
      auto parsed = parse_json_value(response.body, is_private);
      if (parsed) {
        data = std::move(*parsed);
      } else {
        out.problem = "the response is not valid JSON: " + parsed.error().message;
      }
      break;
    }
    case RestReturnType::kCsv: {
      auto parsed = parse_csv_value(response.body, is_private);
      if (parsed) {
        data = std::move(*parsed);
      } else {
        out.problem = "the response is not valid CSV: " + parsed.error().message;
      }
      break;
    }
    case RestReturnType::kXml: {
      if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) break;  // no body
      auto parsed = parse_xml_value(response.body, is_private);
      if (parsed) {
        data = std::move(*parsed);
      } else {
        out.problem = "the response is not valid XML: " + parsed.error().message;
      }
      break;
    }
    case RestReturnType::kText:
      data = Value::string(response.body, is_private);
      break;
    case RestReturnType::kEmpty:
      break;
  }
  Value::Map headers;
  for (const auto& [name, value] : response.headers) {
    std::string key = lower(name);
    bool merged = false;
    for (auto& [k, v] : headers) {
      if (k == key) {  // a repeated header reads as one, comma-joined (RFC 9110 5.3)
        v = Value::string(v.as_string() + ", " + value);
        merged = true;
      }
    }
    if (!merged) headers.emplace_back(std::move(key), Value::string(value));
  }
  out.headers = Value::map(std::move(headers), is_private);
  Value::Map value;
  value.emplace_back("status", Value::number(response.status));
  value.emplace_back("data", std::move(data.taint(is_private)));
  out.value = Value::map(std::move(value), is_private);
  return out;
}

void wipe(WebRequest& request) {
  secure_wipe(request.url);
  secure_wipe(request.body);
  for (auto& [name, value] : request.headers) secure_wipe(value);
  request.headers.clear();
}

void wipe(WebResponse& response) {
  secure_wipe(response.body);
  for (auto& [name, value] : response.headers) secure_wipe(value);
  response.headers.clear();
}

}  // namespace keyline::flow
