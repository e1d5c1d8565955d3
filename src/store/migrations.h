// Versioned schema migrations, applied in order at start. The version lives in
// SQLite's user_version; a database written by a newer Keyline is refused with
// a clear error instead of being half-understood.
#pragma once

#include "base/result.h"
#include "store/database.h"

namespace keyline::store {

// The schema version this binary writes.
int latest_schema_version();

// Applies every migration above the database's version, each in its own
// transaction. Fails when the database is newer than latest_schema_version().
Status migrate(Database& db);

// Opens `path` and migrates it: the one way the server and the CLI open a store.
Result<std::unique_ptr<Database>> open_and_migrate(const std::string& path);

}  // namespace keyline::store
