// Internal to the HTTP client (only http_*.cc include it): one request's state and the libcurl
// easy handle of its current hop.
#pragma once

#include <curl/curl.h>

#include <string>

#include "base/clock.h"
#include "services/http_client.h"

namespace keyline::services {

struct Transfer {
  HttpClient::RequestId id = 0;
  HttpRequest request;  // url and method change when a redirect is followed
  HttpClient::Callback done;
  HttpResponse response;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string host;    // of the current hop, lower case, for the connect-time check
  std::string origin;  // "https://host:port" for log lines
  SteadyTime started;
  SteadyTime deadline;
  bool denied = false;     // the connect-time policy check refused the address
  bool too_large = false;  // the body went over the limit
  std::size_t header_bytes = 0;
  char error_buffer[CURL_ERROR_SIZE] = {};
  const HttpClientConfig* config = nullptr;
  // The client's share handle: TLS sessions and DNS answers reused across connections.
  CURLSH* share = nullptr;
};

// Parses the hop's URL and checks it against the policy. On success fills host and origin.
// The error is a response error kind and message (nothing is sent).
struct HopCheck {
  HttpError error = HttpError::kNone;
  std::string message;
};
HopCheck check_hop(Transfer& t);

// Creates and configures the easy handle of the current hop (check_hop passed).
bool configure_easy(Transfer& t);

// Frees the easy handle and the header list, wiping what they held of ours.
void release_easy(Transfer& t);

// Maps a finished hop's curl code to the response's error (none for a complete exchange).
void classify_result(Transfer& t, CURLcode code);

// Wipes the request's body and header values and the response (after the callback ran).
void wipe_request(HttpRequest& request);

}  // namespace keyline::services
