#include "server/cli.h"

int main(int argc, char** argv) { return keyline::server::run_cli(argc, argv); }
