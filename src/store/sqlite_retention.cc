// SQLite's retention deletes (retention_targets.h).
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

class SqliteRetention final : public RetentionTargets {
 public:
  explicit SqliteRetention(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::int64_t> purge_audit_before(std::int64_t cutoff) override {
    return purge("DELETE FROM audit_log WHERE at_unix_ms < ?", cutoff);
  }
  Result<std::int64_t> purge_outbound_before(std::int64_t cutoff) override {
    return purge(
        "DELETE FROM outbound_calls WHERE status IN ('completed', 'failed', 'canceled') AND "
        "max(queued_unix_ms, next_attempt_unix_ms, disconnected_unix_ms) < ?",
        cutoff);
  }
  Result<std::int64_t> purge_post_call_before(std::int64_t cutoff) override {
    return purge("DELETE FROM post_call_queue WHERE created_unix_ms < ? AND body_file = ''",
                 cutoff);
  }

 private:
  Result<std::int64_t> purge(const char* sql, std::int64_t cutoff) {
    auto guard = db_->lock();
    auto s = db_->prepare(sql);
    if (!s) return s.error();
    s->bind(1, cutoff);
    if (auto st = s->run(); !st) return st.error();
    return static_cast<std::int64_t>(db_->changes());
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<RetentionTargets> make_sqlite_retention(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteRetention>(std::move(db));
}

}  // namespace keyline::store
