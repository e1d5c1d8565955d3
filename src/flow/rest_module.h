// The REST module's two halves, apart from the interpreter's state machine: building the
// request from the call's variables, and turning the host's answer into the module variable.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "flow/app_document.h"
#include "flow/variables.h"
#include "flow/web_request.h"

namespace keyline::flow {

// RFC 3986 percent-encoding: everything but letters, digits and -._~ is %XX.
std::string url_encode(std::string_view text);

std::string_view rest_method_name(RestMethod method);  // "GET", "POST", "POST_RAW", ...

// Fills in URL, headers, body and auth from `variables`. carries_private is set when any
// inserted value is private (or the module is). Fails — before anything is sent — when a
// private value would travel over plain http.
Result<WebRequest> build_rest_request(const Module& module, const Variables& variables);

// What the module stores after a response arrived.
struct RestResult {
  Value value;          // {status, data}
  Value headers;        // {lower-case name: value}
  std::string problem;  // not empty: the body could not be parsed as the return type said
};
RestResult read_rest_response(const RestSettings& settings, const WebResponse& response,
                              bool is_private);

}  // namespace keyline::flow
