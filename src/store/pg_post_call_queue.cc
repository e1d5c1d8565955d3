// The post-call queue in PostgreSQL (post_call_queue.h). Several nodes may share the table: a
// claim takes due rows with FOR UPDATE SKIP LOCKED and leases them in the same statement, so
// two nodes never send the same row at once.
#include <algorithm>

#include "store/pg_repositories.h"
#include "store/post_call_queue.h"

namespace keyline::store {
namespace {

constexpr const char* kPostCallColumns =
    "id, call_id, method, url, headers, body, timeout_ms, created_unix_ms, next_attempt_unix_ms, "
    "attempts, last_error, auth, body_file";

PostCallItem read_item(const PgResult& r, int row) {
  PostCallItem item;
  item.id = r.integer(row, 0);
  item.call_id = r.text(row, 1);
  item.method = r.text(row, 2);
  item.url = r.text(row, 3);
  item.headers = decode_header_lines(r.text(row, 4));
  item.body = r.text(row, 5);
  item.timeout_ms = r.integer(row, 6);
  item.created_unix_ms = r.integer(row, 7);
  item.next_attempt_unix_ms = r.integer(row, 8);
  item.attempts = static_cast<int>(r.integer(row, 9));
  item.last_error = r.text(row, 10);
  item.auth = r.text(row, 11);
  item.body_file = r.text(row, 12);
  return item;
}

class PgPostCallQueue final : public PostCallQueue {
 public:
  explicit PgPostCallQueue(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status add(const PostCallItem& item) override {
    return db_->exec(
        "INSERT INTO post_call_queue (call_id, method, url, headers, body, timeout_ms, "
        "created_unix_ms, next_attempt_unix_ms, attempts, last_error, auth, body_file) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
        "ON CONFLICT (call_id) DO NOTHING",
        {item.call_id, item.method, item.url, encode_header_lines(item.headers), item.body,
         item.timeout_ms, item.created_unix_ms, item.next_attempt_unix_ms, item.attempts,
         item.last_error, item.auth, item.body_file});
  }

  Result<std::vector<PostCallItem>> claim_due(std::int64_t now, std::int64_t lease_ms,
                                              std::size_t limit) override {
    auto rows =
        db_->query(std::string("UPDATE post_call_queue SET next_attempt_unix_ms = $2 WHERE id IN ("
                               "SELECT id FROM post_call_queue WHERE next_attempt_unix_ms <= $1 "
                               "ORDER BY next_attempt_unix_ms, id LIMIT $3 FOR UPDATE SKIP LOCKED) "
                               "RETURNING ") +
                       kPostCallColumns,
                   {now, now + lease_ms, static_cast<std::int64_t>(limit)});
    if (!rows) return rows.error();
    std::vector<PostCallItem> out;
    for (int i = 0; i < rows->rows(); ++i) out.push_back(read_item(*rows, i));
    // RETURNING keeps no order: oldest first, as SQLite's.
    std::sort(out.begin(), out.end(), [](const PostCallItem& a, const PostCallItem& b) {
      return a.created_unix_ms != b.created_unix_ms ? a.created_unix_ms < b.created_unix_ms
                                                    : a.id < b.id;
    });
    return out;
  }

  Status remove(std::int64_t id) override {
    return db_->exec("DELETE FROM post_call_queue WHERE id = $1", {id});
  }

  Status reschedule(std::int64_t id, int attempts, std::int64_t next_attempt,
                    const std::string& last_error) override {
    return db_->exec(
        "UPDATE post_call_queue SET attempts = $2, next_attempt_unix_ms = $3, last_error = $4 "
        "WHERE id = $1",
        {id, attempts, next_attempt, last_error});
  }

  Result<std::size_t> size() override {
    auto rows = db_->query("SELECT count(*) FROM post_call_queue");
    if (!rows) return rows.error();
    return static_cast<std::size_t>(rows->integer(0, 0));
  }

  Result<std::int64_t> next_due() override {
    auto rows = db_->query("SELECT coalesce(min(next_attempt_unix_ms), -1) FROM post_call_queue");
    if (!rows) return rows.error();
    return rows->integer(0, 0);
  }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<PostCallQueue> make_pg_post_call_queue(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgPostCallQueue>(std::move(db));
}

}  // namespace keyline::store
