// The `keyline` command line: serve, call, simulate, validate, logs.
#pragma once

namespace keyline::server {
int run_cli(int argc, char** argv);
}
