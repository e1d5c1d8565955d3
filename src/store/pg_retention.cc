// PostgreSQL's retention deletes (retention_targets.h): the same as SQLite's.
#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

class PgRetention final : public RetentionTargets {
 public:
  explicit PgRetention(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::int64_t> purge_audit_before(std::int64_t cutoff) override {
    return purge("DELETE FROM audit_log WHERE at_unix_ms < $1", cutoff);
  }
  Result<std::int64_t> purge_outbound_before(std::int64_t cutoff) override {
    return purge(
        "DELETE FROM outbound_calls WHERE status IN ('completed', 'failed', 'canceled') AND "
        "GREATEST(queued_unix_ms, next_attempt_unix_ms, disconnected_unix_ms) < $1",
        cutoff);
  }
  Result<std::int64_t> purge_post_call_before(std::int64_t cutoff) override {
    return purge("DELETE FROM post_call_queue WHERE created_unix_ms < $1 AND body_file = ''",
                 cutoff);
  }

 private:
  Result<std::int64_t> purge(const char* sql, std::int64_t cutoff) {
    auto r = db_->query(sql, {cutoff});
    if (!r) return r.error();
    return r->affected();
  }

  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<RetentionTargets> make_pg_retention(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgRetention>(std::move(db));
}

}  // namespace keyline::store
