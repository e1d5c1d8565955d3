// SQLite implementations of the repositories in repositories.h, all over one
// shared Database connection.
#pragma once

#include <memory>

#include "store/database.h"
#include "store/reports.h"
#include "store/outbound_repository.h"
#include "store/post_call_queue.h"
#include "store/recordings.h"
#include "store/repositories.h"
#include "store/retention_targets.h"
#include "store/teams.h"
#include "store/trunks.h"

namespace keyline::store {

std::unique_ptr<AppRepository> make_sqlite_apps(std::shared_ptr<Database> db);
std::unique_ptr<DeploymentRepository> make_sqlite_deployments(std::shared_ptr<Database> db);
std::unique_ptr<UserRepository> make_sqlite_users(std::shared_ptr<Database> db);
std::unique_ptr<AuditLog> make_sqlite_audit_log(std::shared_ptr<Database> db);
std::unique_ptr<TrunkRepository> make_sqlite_trunks(std::shared_ptr<Database> db);
std::unique_ptr<ReportRepository> make_sqlite_reports(std::shared_ptr<Database> db);
std::unique_ptr<OutboundRepository> make_sqlite_outbound(std::shared_ptr<Database> db);
// ---- Post-call web service (issue 7) ----
std::unique_ptr<PostCallQueue> make_sqlite_post_call_queue(std::shared_ptr<Database> db);
// ---- Teams and sharing (issue 9) ----
std::unique_ptr<TeamRepository> make_sqlite_teams(std::shared_ptr<Database> db);
// ---- Retention per entity (issue 9) ----
std::unique_ptr<RetentionTargets> make_sqlite_retention(std::shared_ptr<Database> db);
// ---- Recordings metadata (issue 9; recording branch) ----
std::unique_ptr<RecordingRepository> make_sqlite_recordings(std::shared_ptr<Database> db);

}  // namespace keyline::store
