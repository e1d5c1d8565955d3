// RecordingRepository on SQLite (store/recordings.h).
#include "store/label_set.h"
#include "store/recordings.h"
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kSelectRecordings =
    "SELECT id, session_id, deployment, app, path, channels, duration_ms, bytes, "
    "created_unix_ms, upload_state, uploaded_url, deleted FROM recordings";

RecordingRecord read_row(const Statement& s) {
  RecordingRecord r;
  r.id = s.integer(0);
  r.session_id = s.text(1);
  r.deployment = s.text(2);
  r.app = s.text(3);
  r.path = s.text(4);
  r.channels = s.text(5);
  r.duration_s = static_cast<double>(s.integer(6)) / 1000.0;
  r.bytes = s.integer(7);
  r.created_unix_ms = s.integer(8);
  r.upload_state = parse_upload_state(s.text(9)).value_or(UploadState::kKept);
  r.uploaded_url = s.text(10);
  r.deleted = s.integer(11) != 0;
  return r;
}

class SqliteRecordings final : public RecordingRepository {
 public:
  explicit SqliteRecordings(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::int64_t> add(const RecordingRecord& r) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "INSERT INTO recordings (session_id, deployment, app, path, channels, duration_ms, bytes, "
        "created_unix_ms, upload_state, uploaded_url, deleted) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!s) return s.error();
    s->bind(1, r.session_id);
    s->bind(2, r.deployment);
    s->bind(3, r.app);
    s->bind(4, r.path);
    s->bind(5, r.channels);
    s->bind(6, static_cast<std::int64_t>(r.duration_s * 1000.0 + 0.5));
    s->bind(7, r.bytes);
    s->bind(8, r.created_unix_ms);
    s->bind(9, upload_state_name(r.upload_state));
    s->bind(10, url_without_secrets(r.uploaded_url));
    s->bind(11, static_cast<std::int64_t>(r.deleted ? 1 : 0));
    if (auto st = s->run(); !st) return st.error();
    return db_->last_insert_id();
  }

  Result<bool> set_upload(const std::string& path, UploadState state, const std::string& url,
                          bool deleted) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "UPDATE recordings SET upload_state = ?1, "
        "uploaded_url = CASE WHEN ?2 = '' THEN uploaded_url ELSE ?2 END, "
        "deleted = MAX(deleted, ?3) "
        "WHERE id = (SELECT MAX(id) FROM recordings WHERE path = ?4)");
    if (!s) return s.error();
    s->bind(1, upload_state_name(state));
    s->bind(2, url_without_secrets(url));
    s->bind(3, static_cast<std::int64_t>(deleted ? 1 : 0));
    s->bind(4, path);
    if (auto st = s->run(); !st) return st.error();
    return db_->changes() > 0;
  }

  Result<std::vector<RecordingRecord>> list(const RecordingFilter& f) override {
    auto conn = db_->read();
    // Every condition is always present; a zero/empty bound turns it off.
    auto s = conn->prepare(std::string(kSelectRecordings) +
                           " WHERE (?1 = 0 OR created_unix_ms >= ?1)"
                           " AND (?2 = 0 OR created_unix_ms < ?2)"
                           " AND (?3 = '' OR app = ?3)"
                           " AND (?4 = '' OR session_id = ?4)"
                           " AND (?5 = 0 OR id < ?5)"
                           " AND (?7 = '' OR instr(?7, ',' || deployment || ',') > 0)"
                           " ORDER BY id DESC LIMIT ?6");
    if (!s) return s.error();
    s->bind(1, f.from_unix_ms);
    s->bind(2, f.to_unix_ms);
    s->bind(3, f.app);
    s->bind(4, f.session_id);
    s->bind(5, f.before_id);
    s->bind(6, static_cast<std::int64_t>(f.limit));
    s->bind(7, f.deployments ? label_set(*f.deployments) : std::string());  // label_set.h
    return read_all(*s);
  }

  Result<std::optional<RecordingRecord>> get(std::int64_t id) override {
    auto conn = db_->read();
    auto s = conn->prepare(std::string(kSelectRecordings) + " WHERE id = ?");
    if (!s) return s.error();
    s->bind(1, id);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<RecordingRecord>{};
    return std::optional<RecordingRecord>{read_row(*s)};
  }

  Result<bool> mark_deleted(std::int64_t id) override {
    auto guard = db_->lock();
    auto s = db_->prepare("UPDATE recordings SET deleted = 1 WHERE id = ?");
    if (!s) return s.error();
    s->bind(1, id);
    if (auto st = s->run(); !st) return st.error();
    return db_->changes() > 0;
  }

  Result<std::vector<RecordingRecord>> purge_before(std::int64_t unix_ms) override {
    auto guard = db_->lock();
    std::vector<RecordingRecord> out;
    auto st = db_->transaction([&]() -> Status {
      auto s =
          db_->prepare(std::string(kSelectRecordings) + " WHERE created_unix_ms < ? ORDER BY id");
      if (!s) return s.error();
      s->bind(1, unix_ms);
      auto rows = read_all(*s);
      if (!rows) return rows.error();
      out = std::move(*rows);
      auto d = db_->prepare("DELETE FROM recordings WHERE created_unix_ms < ?");
      if (!d) return d.error();
      d->bind(1, unix_ms);
      return d->run();
    });
    if (!st) return st.error();
    return out;
  }

 private:
  static Result<std::vector<RecordingRecord>> read_all(Statement& s) {
    return all_rows<RecordingRecord>(s, read_row);
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<RecordingRepository> make_sqlite_recordings(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteRecordings>(std::move(db));
}

}  // namespace keyline::store
