// PostgreSQL implementations of the repositories in repositories.h and of the
// call-log store (call_log_store.h), all over
// one shared PgConnection, and the PostgreSQL migrations (the same schema as
// SQLite's, in PostgreSQL's dialect, versioned in a schema_version table).
#pragma once

#include <memory>

#include "privacy/policy.h"
#include "store/call_log_store.h"
#include "store/outbound_repository.h"
#include "store/pg_connection.h"
#include "store/reports.h"
#include "store/post_call_queue.h"
#include "store/recordings.h"
#include "store/repositories.h"
#include "store/retention_targets.h"
#include "store/teams.h"
#include "store/trunks.h"

namespace keyline::store {

// The schema version this binary writes (the same numbering as SQLite's).
int latest_postgres_schema_version();
// Applies every migration above the database's version in one transaction,
// under an advisory lock so two nodes starting together do not race. Fails
// when the database is newer than this binary.
Status migrate_postgres(PgConnection& db);

std::unique_ptr<AppRepository> make_pg_apps(std::shared_ptr<PgConnection> db);
std::unique_ptr<DeploymentRepository> make_pg_deployments(std::shared_ptr<PgConnection> db);
std::unique_ptr<UserRepository> make_pg_users(std::shared_ptr<PgConnection> db);
std::unique_ptr<AuditLog> make_pg_audit_log(std::shared_ptr<PgConnection> db);
std::unique_ptr<TrunkRepository> make_pg_trunks(std::shared_ptr<PgConnection> db);
std::unique_ptr<ReportRepository> make_pg_reports(std::shared_ptr<PgConnection> db);
std::unique_ptr<OutboundRepository> make_pg_outbound(std::shared_ptr<PgConnection> db);
std::unique_ptr<CallLogStore> make_pg_call_logs(std::shared_ptr<PgConnection> db,
                                                privacy::RedactionPolicy policy);
// ---- Post-call web service (issue 7) ----
std::unique_ptr<PostCallQueue> make_pg_post_call_queue(std::shared_ptr<PgConnection> db);
// ---- Teams and sharing (issue 9) ----
std::unique_ptr<TeamRepository> make_pg_teams(std::shared_ptr<PgConnection> db);
// ---- Retention per entity (issue 9) ----
std::unique_ptr<RetentionTargets> make_pg_retention(std::shared_ptr<PgConnection> db);
// ---- Recordings metadata (issue 9; recording branch) ----
std::unique_ptr<RecordingRepository> make_pg_recordings(std::shared_ptr<PgConnection> db);

}  // namespace keyline::store
