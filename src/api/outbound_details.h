// An outbound call as the API and the result_url POST show it: Plum's call_details (status,
// attempts, max_attempts, phone_number, timestamps, reattempt_wait, events[], duration) plus
// Keyline's id, deployment, sessions and links. Never the call parameters: they may be private.
#pragma once

#include "api/json.h"
#include "store/outbound_repository.h"

namespace keyline::api {

Json outbound_call_details(const store::OutboundCall& call);
// {"call_details": {...}}: the body of GET /v1/outbound/{id} and of the result_url POST.
Json outbound_status_body(const store::OutboundCall& call);

}  // namespace keyline::api
