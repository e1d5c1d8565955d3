// `keyline export --out DIR` and `keyline import DIR`: apps (every revision) and deployments
// between files and the configured database (SQLite under data_dir, or PostgreSQL from the
// config's database: section), through the same code as GET /v1/export and POST /v1/import.
// DIR/keyline-export.json is the whole export document; export also writes each app's latest
// revision as DIR/apps/NAME.json so it can be read, diffed, validated and graphed as a file,
// and each app's recorded prompt files as DIR/prompts/NAME/FILE.wav; the document keeps their
// manifest (file, bytes, sha256, updated) and import reads the files back from there, checking
// each against it, all before anything is written.
#pragma once

#include <ostream>

namespace keyline::server {

// argv[1] is "export" or "import". Exit status: 0 done, 1 refused or failed, 2 usage.
int run_export_command(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace keyline::server
