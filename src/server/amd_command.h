// `keyline amd FILE [--name-ms N ...]`: runs the answering-machine detector over a recording of
// a callee's answer and prints its decision, so an operator can tune the AMD settings on
// answers their own trunks bring before using them for outbound calls.
#pragma once

#include <ostream>

namespace keyline::server {

// argv[0] is the program, argv[1] "amd". Prints one line
// "<type> reason=<why> decision_ms=<n> ready_ms=<n|-> beep_hz=<n|->"; returns 0, or 2 on a
// usage or file error (the message goes to `err`).
int run_amd_command(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace keyline::server
