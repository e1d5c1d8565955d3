// The post-call queue in SQLite (post_call_queue.h).
#include "store/post_call_queue.h"
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kPostCallColumns =
    "id, call_id, method, url, headers, body, timeout_ms, created_unix_ms, next_attempt_unix_ms, "
    "attempts, last_error, auth, body_file";

PostCallItem read_item(const Statement& s) {
  PostCallItem item;
  item.id = s.integer(0);
  item.call_id = s.text(1);
  item.method = s.text(2);
  item.url = s.text(3);
  item.headers = decode_header_lines(s.text(4));
  item.body = s.text(5);
  item.timeout_ms = s.integer(6);
  item.created_unix_ms = s.integer(7);
  item.next_attempt_unix_ms = s.integer(8);
  item.attempts = static_cast<int>(s.integer(9));
  item.last_error = s.text(10);
  item.auth = s.text(11);
  item.body_file = s.text(12);
  return item;
}

class SqlitePostCallQueue final : public PostCallQueue {
 public:
  explicit SqlitePostCallQueue(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status add(const PostCallItem& item) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "INSERT INTO post_call_queue (call_id, method, url, headers, body, timeout_ms, "
        "created_unix_ms, next_attempt_unix_ms, attempts, last_error, auth, body_file) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(call_id) DO NOTHING");
    if (!s) return s.error();
    s->bind(1, item.call_id);
    s->bind(2, item.method);
    s->bind(3, item.url);
    s->bind(4, encode_header_lines(item.headers));
    s->bind(5, item.body);
    s->bind(6, item.timeout_ms);
    s->bind(7, item.created_unix_ms);
    s->bind(8, item.next_attempt_unix_ms);
    s->bind(9, static_cast<std::int64_t>(item.attempts));
    s->bind(10, item.last_error);
    s->bind(11, item.auth);
    s->bind(12, item.body_file);
    return s->run();
  }

  Result<std::vector<PostCallItem>> claim_due(std::int64_t now, std::int64_t lease_ms,
                                              std::size_t limit) override {
    auto guard = db_->lock();
    std::vector<PostCallItem> out;
    auto st = db_->transaction([&]() -> Status {
      auto s = db_->prepare(std::string("SELECT ") + kPostCallColumns +
                            " FROM post_call_queue WHERE next_attempt_unix_ms <= ? "
                            "ORDER BY next_attempt_unix_ms, id LIMIT ?");
      if (!s) return s.error();
      s->bind(1, now);
      s->bind(2, static_cast<std::int64_t>(limit));
      for (;;) {
        auto row = s->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back(read_item(*s));
      }
      auto lease = db_->prepare("UPDATE post_call_queue SET next_attempt_unix_ms = ? WHERE id = ?");
      if (!lease) return lease.error();
      for (const auto& item : out) {
        lease->reset();
        lease->bind(1, now + lease_ms);
        lease->bind(2, item.id);
        if (auto r = lease->run(); !r) return r;
      }
      return Ok{};
    });
    if (!st) return st.error();
    return out;
  }

  Status remove(std::int64_t id) override {
    auto guard = db_->lock();
    auto s = db_->prepare("DELETE FROM post_call_queue WHERE id = ?");
    if (!s) return s.error();
    s->bind(1, id);
    return s->run();
  }

  Status reschedule(std::int64_t id, int attempts, std::int64_t next_attempt,
                    const std::string& last_error) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "UPDATE post_call_queue SET attempts = ?, next_attempt_unix_ms = ?, last_error = ? "
        "WHERE id = ?");
    if (!s) return s.error();
    s->bind(1, static_cast<std::int64_t>(attempts));
    s->bind(2, next_attempt);
    s->bind(3, last_error);
    s->bind(4, id);
    return s->run();
  }

  Result<std::size_t> size() override {
    auto guard = db_->lock();
    auto s = db_->prepare("SELECT count(*) FROM post_call_queue");
    if (!s) return s.error();
    auto row = s->step();
    if (!row) return row.error();
    return static_cast<std::size_t>(*row ? s->integer(0) : 0);
  }

  Result<std::int64_t> next_due() override {
    auto guard = db_->lock();
    auto s = db_->prepare("SELECT min(next_attempt_unix_ms) FROM post_call_queue");
    if (!s) return s.error();
    auto row = s->step();
    if (!row) return row.error();
    if (!*row || s->is_null(0)) return std::int64_t{-1};
    return s->integer(0);
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<PostCallQueue> make_sqlite_post_call_queue(std::shared_ptr<Database> db) {
  return std::make_unique<SqlitePostCallQueue>(std::move(db));
}

}  // namespace keyline::store
