// RecordingRepository on PostgreSQL (store/recordings.h).
#include "store/label_set.h"
#include "store/pg_repositories.h"
#include "store/recordings.h"

namespace keyline::store {
namespace {

constexpr const char* kSelectRecordings =
    "SELECT id, session_id, deployment, app, path, channels, duration_ms, bytes, "
    "created_unix_ms, upload_state, uploaded_url, deleted FROM recordings";

RecordingRecord read_row(const PgResult& r, int row) {
  RecordingRecord out;
  out.id = r.integer(row, 0);
  out.session_id = r.text(row, 1);
  out.deployment = r.text(row, 2);
  out.app = r.text(row, 3);
  out.path = r.text(row, 4);
  out.channels = r.text(row, 5);
  out.duration_s = static_cast<double>(r.integer(row, 6)) / 1000.0;
  out.bytes = r.integer(row, 7);
  out.created_unix_ms = r.integer(row, 8);
  out.upload_state = parse_upload_state(r.text(row, 9)).value_or(UploadState::kKept);
  out.uploaded_url = r.text(row, 10);
  out.deleted = r.boolean(row, 11);
  return out;
}

std::vector<RecordingRecord> read_all(const PgResult& r) {
  std::vector<RecordingRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_row(r, i));
  return out;
}

class PgRecordings final : public RecordingRepository {
 public:
  explicit PgRecordings(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::int64_t> add(const RecordingRecord& r) override {
    auto q = db_->query(
        "INSERT INTO recordings (session_id, deployment, app, path, channels, duration_ms, bytes, "
        "created_unix_ms, upload_state, uploaded_url, deleted) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        {r.session_id, r.deployment, r.app, r.path, r.channels,
         static_cast<std::int64_t>(r.duration_s * 1000.0 + 0.5), r.bytes, r.created_unix_ms,
         upload_state_name(r.upload_state), url_without_secrets(r.uploaded_url), r.deleted});
    if (!q) return q.error();
    return q->integer(0, 0);
  }

  Result<bool> set_upload(const std::string& path, UploadState state, const std::string& url,
                          bool deleted) override {
    auto q = db_->query(
        "UPDATE recordings SET upload_state = $1, "
        "uploaded_url = CASE WHEN $2::text = '' THEN uploaded_url ELSE $2::text END, "
        "deleted = deleted OR $3::boolean "
        "WHERE id = (SELECT MAX(id) FROM recordings WHERE path = $4)",
        {upload_state_name(state), url_without_secrets(url), deleted, path});
    if (!q) return q.error();
    return q->affected() > 0;
  }

  Result<std::vector<RecordingRecord>> list(const RecordingFilter& f) override {
    auto q = db_->query(std::string(kSelectRecordings) +
                            // Typed: "$1 = 0" alone would make $1 a 32-bit integer.
                            " WHERE ($1::bigint = 0 OR created_unix_ms >= $1::bigint)"
                            " AND ($2::bigint = 0 OR created_unix_ms < $2::bigint)"
                            " AND ($3::text = '' OR app = $3::text)"
                            " AND ($4::text = '' OR session_id = $4::text)"
                            " AND ($5::bigint = 0 OR id < $5::bigint)"
                            " AND ($7::text = '' OR strpos($7::text, ',' || deployment || ',') > 0)"
                            " ORDER BY id DESC LIMIT $6::bigint",
                        {f.from_unix_ms, f.to_unix_ms, f.app, f.session_id, f.before_id,
                         static_cast<std::int64_t>(f.limit),
                         f.deployments ? label_set(*f.deployments) : std::string()});
    if (!q) return q.error();
    return read_all(*q);
  }

  Result<std::optional<RecordingRecord>> get(std::int64_t id) override {
    auto q = db_->query(std::string(kSelectRecordings) + " WHERE id = $1", {id});
    if (!q) return q.error();
    if (q->rows() == 0) return std::optional<RecordingRecord>{};
    return std::optional<RecordingRecord>{read_row(*q, 0)};
  }

  Result<bool> mark_deleted(std::int64_t id) override {
    auto q = db_->query("UPDATE recordings SET deleted = TRUE WHERE id = $1", {id});
    if (!q) return q.error();
    return q->affected() > 0;
  }

  Result<std::vector<RecordingRecord>> purge_before(std::int64_t unix_ms) override {
    // DELETE ... RETURNING: the rows removed, in one statement.
    auto q = db_->query(
        "DELETE FROM recordings WHERE created_unix_ms < $1 RETURNING id, session_id, deployment, "
        "app, path, channels, duration_ms, bytes, created_unix_ms, upload_state, uploaded_url, "
        "deleted",
        {unix_ms});
    if (!q) return q.error();
    return read_all(*q);
  }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<RecordingRepository> make_pg_recordings(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgRecordings>(std::move(db));
}

}  // namespace keyline::store
