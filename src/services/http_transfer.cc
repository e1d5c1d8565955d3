// Configuring one libcurl easy handle per hop, with every check of the egress policy.
#include "services/http_transfer.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "base/secure_wipe.h"
#include "privacy/redact.h"

namespace keyline::services {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->response.body.size() + n > t->request.max_response_bytes) {
    t->too_large = true;
    return 0;  // curl aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->response.body.append(data, n);
  return n;
}

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->too_large = true;
    return 0;
  }
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after 100 Continue, or via a proxy)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  t->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

// The connect-time check: curl resolved the name and is about to open a socket.
curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  // Through a proxy the address is the proxy's (configured by the operator), and the name
  // check already ran on the target host.
  const bool via_proxy = !t->config->proxy.empty();
  if (purpose != CURLSOCKTYPE_IPCXN ||
      (!via_proxy && !t->config->egress.allows_connection(t->host, &address->addr))) {
    t->denied = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

std::string redacted(std::string_view text) { return privacy::redact_text(text); }

}  // namespace

HopCheck check_hop(Transfer& t) {
  HopCheck out;
  CURLU* url = curl_url();
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  const bool parsed = url &&
                      curl_url_set(url, CURLUPART_URL, t.request.url.c_str(), 0) == CURLUE_OK &&
                      curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                      curl_url_get(url, CURLUPART_HOST, &host, 0) == CURLUE_OK;
  if (parsed) curl_url_get(url, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  if (!parsed) {
    out = {HttpError::kBadUrl, "not a valid http or https URL"};
  } else {
    const std::string s = lower(scheme);
    t.host = lower(host);
    t.origin = s + "://" + t.host + (port ? ":" + std::string(port) : "");
    if (s != "https" && s != "http") {
      out = {HttpError::kBadUrl, "only http and https URLs are allowed"};
    } else if (s == "http" && (t.request.https_only || t.config->egress.https_only())) {
      out = {HttpError::kEgressDenied, "plain http refused: this request must use https"};
    } else if (!t.config->egress.may_allow(t.host)) {
      out = {HttpError::kEgressDenied,
             "host " + t.host + " is not on the egress allow-list (http.egress.allow)"};
    }
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(url);
  return out;
}

bool configure_easy(Transfer& t) {
  t.easy = curl_easy_init();
  if (!t.easy) return false;
  CURL* e = t.easy;
  const HttpClientConfig& c = *t.config;
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
      t.deadline - std::chrono::steady_clock::now());
  const long timeout_ms = std::max<long>(1, static_cast<long>(remaining.count()));
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  if (t.share) curl_easy_setopt(e, CURLOPT_SHARE, t.share);
  curl_easy_setopt(e, CURLOPT_URL, t.request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // each hop is checked here (http_client.cc)
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!c.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, c.ca_file.c_str());
  if (!c.client_cert.empty()) curl_easy_setopt(e, CURLOPT_SSLCERT, c.client_cert.c_str());
  if (!c.client_key.empty()) curl_easy_setopt(e, CURLOPT_SSLKEY, c.client_key.c_str());
  // An empty proxy also stops curl from taking one from the environment (http_proxy).
  curl_easy_setopt(e, CURLOPT_PROXY, c.proxy.c_str());
  curl_easy_setopt(e, CURLOPT_USERAGENT, c.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(t.request.max_response_bytes));

  const std::string& m = t.request.method;
  if (m == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else {
    if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
    if (m == "POST" || !t.request.body.empty()) {
      // Points at our buffer (not COPYPOSTFIELDS): curl's copy could not be wiped.
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(t.request.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.request.body.c_str());
    }
  }
  if (t.request.aws_sigv4) {
    // libcurl (>= 7.75) builds the canonical request, hashes the body set above and adds the
    // Authorization and x-amz-date headers; the provider string names the signing scope.
    const auto& sig = *t.request.aws_sigv4;
    std::string provider = "aws:amz:" + sig.region + ":" + sig.service;
    curl_easy_setopt(e, CURLOPT_AWS_SIGV4, provider.c_str());
    curl_easy_setopt(e, CURLOPT_USERNAME, sig.access_key_id.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, sig.secret_access_key.c_str());
  }
  // No "Expect: 100-continue" round trip before a larger body.
  t.header_list = curl_slist_append(t.header_list, "Expect:");
  for (const auto& [name, value] : t.request.headers) {
    std::string line = name + ": " + value;
    t.header_list = curl_slist_append(t.header_list, line.c_str());
    secure_wipe(line);
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  return true;
}

void release_easy(Transfer& t) {
  if (t.easy) curl_easy_cleanup(t.easy);
  t.easy = nullptr;
  // curl frees its list without wiping it, and header values may be credentials.
  for (curl_slist* item = t.header_list; item; item = item->next) {
    if (item->data) explicit_bzero(item->data, std::strlen(item->data));
  }
  curl_slist_free_all(t.header_list);
  t.header_list = nullptr;
}

void classify_result(Transfer& t, CURLcode code) {
  HttpResponse& r = t.response;
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    r.status = static_cast<int>(status);
    return;
  }
  const std::string detail =
      redacted(t.error_buffer[0] ? t.error_buffer : curl_easy_strerror(code));
  if (t.denied) {
    r.error = HttpError::kEgressDenied;
    r.error_message = "host " + t.host + " resolved to an address outside the egress allow-list";
    return;
  }
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    r.error = HttpError::kTooLarge;
    r.error_message =
        "the response is larger than " + std::to_string(t.request.max_response_bytes) + " bytes";
    return;
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      r.error = HttpError::kTimeout;
      r.error_message =
          "no complete response within " + std::to_string(t.request.timeout.count()) + " ms";
      return;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      r.error = HttpError::kDns;
      break;
    case CURLE_COULDNT_CONNECT:
      r.error = HttpError::kConnect;
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
      r.error = HttpError::kTls;
      break;
    case CURLE_URL_MALFORMAT:
      r.error = HttpError::kBadUrl;
      break;
    case CURLE_UNSUPPORTED_PROTOCOL:  // the scheme was checked before: the reply was not HTTP
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
      r.error = HttpError::kProtocol;
      break;
    default:
      r.error = HttpError::kOther;
      break;
  }
  r.error_message = detail;
}

void wipe_request(HttpRequest& request) {
  if (request.aws_sigv4) {
    secure_wipe(request.aws_sigv4->access_key_id);
    secure_wipe(request.aws_sigv4->secret_access_key);
  }
  secure_wipe(request.body);
  secure_wipe(request.url);
  for (auto& [name, value] : request.headers) secure_wipe(value);
}

std::string_view http_error_name(HttpError error) {
  switch (error) {
    case HttpError::kNone:
      return "none";
    case HttpError::kTimeout:
      return "timeout";
    case HttpError::kTls:
      return "tls";
    case HttpError::kConnect:
      return "connect";
    case HttpError::kDns:
      return "dns";
    case HttpError::kTooLarge:
      return "too_large";
    case HttpError::kEgressDenied:
      return "egress_denied";
    case HttpError::kBadUrl:
      return "bad_url";
    case HttpError::kProtocol:
      return "protocol";
    case HttpError::kCancelled:
      return "cancelled";
    case HttpError::kOther:
      return "other";
  }
  return "other";
}

}  // namespace keyline::services
