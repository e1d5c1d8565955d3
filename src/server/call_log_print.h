// `keyline logs` output (call_log_print.cc): one call's summary and, with details, its module
// visits and media quality, on stdout.
#pragma once

#include "store/call_record.h"

namespace keyline::server {

void print_call_media(const store::CallMediaRecord& media);
void print_call_record(const store::CallRecord& record, bool details);

}  // namespace keyline::server
