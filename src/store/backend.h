// Which database holds the repositories: SQLite (the embedded default, one
// file under data_dir) or PostgreSQL (shared by several Keyline nodes). The
// server, the CLI and the tests open one Backend and take their repositories
// from it, so nothing above store/ knows which it is.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "privacy/policy.h"
#include "store/call_log_store.h"
#include "store/database.h"
#include "store/outbound_repository.h"
#include "store/post_call_queue.h"
#include "store/reports.h"
#include "store/recordings.h"
#include "store/repositories.h"
#include "store/retention_targets.h"
#include "store/teams.h"
#include "store/trunks.h"

namespace keyline::store {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<AppRepository> apps() = 0;
  virtual std::unique_ptr<DeploymentRepository> deployments() = 0;
  virtual std::unique_ptr<UserRepository> users() = 0;
  virtual std::unique_ptr<AuditLog> audit_log() = 0;
  // Writes are redacted with `policy` (reads do not need one).
  virtual std::unique_ptr<CallLogStore> call_logs(privacy::RedactionPolicy policy) = 0;
  virtual std::unique_ptr<TrunkRepository> trunks() = 0;
  virtual std::unique_ptr<ReportRepository> reports() = 0;
  // Runs `body` (calls on this backend's repositories) in one transaction:
  // all of its writes or none. Repository calls that open their own
  // transaction nest inside it.
  virtual Status transaction(const std::function<Status()>& body) = 0;
  // The outbound call queue (outbound_repository.h).
  virtual std::unique_ptr<OutboundRepository> outbound() = 0;
  // For logs: "sqlite:/var/lib/keyline/keyline.db", "postgresql://u@h:5432/db".
  virtual std::string describe() const = 0;
  // ---- Post-call web service (issue 7) ----
  // The durable queue of post-call requests (post_call_queue.h).
  virtual std::unique_ptr<PostCallQueue> post_call_queue() = 0;
  // ---- Teams and sharing (issue 9) ----
  virtual std::unique_ptr<TeamRepository> teams() = 0;
  // The audit log, outbound calls and post-call queue's retention deletes.
  virtual std::unique_ptr<RetentionTargets> retention_targets() = 0;
  // ---- Recordings metadata (issue 9; recording branch) ----
  virtual std::unique_ptr<RecordingRepository> recordings() = 0;
};

struct BackendSettings {
  std::string sqlite_path;   // used when `postgres_url` is empty
  std::string postgres_url;  // libpq URI, e.g. postgresql://keyline@db:5432/keyline?sslmode=require
  std::string postgres_password;  // overrides the URL's; empty: the URL's or libpq's own sources
  int postgres_pool_size = 4;     // connections at most (pg_connection.h)
};

std::shared_ptr<Backend> make_sqlite_backend(std::shared_ptr<Database> db);
// Connects and applies the PostgreSQL migrations; a server that cannot be
// reached, refuses the login or holds a newer schema is a clear error.
// `pool_size` connections at most (pg_connection.h).
Result<std::shared_ptr<Backend>> open_postgres_backend(const std::string& url,
                                                       const std::string& password,
                                                       int pool_size = 4);
// Opens (and migrates) the backend the settings name.
Result<std::shared_ptr<Backend>> open_backend(const BackendSettings& settings);
// Its call logs, for reading (`keyline logs`); they keep the connection open.
Result<std::unique_ptr<CallLogStore>> open_call_logs(const BackendSettings& settings);

}  // namespace keyline::store
