#include "store/call_log_store.h"

#include "privacy/redact.h"
#include "store/call_media_row.h"
#include "store/label_set.h"
#include "store/migrations.h"

namespace keyline::store {
namespace {

CallRecord read_call_row(const Statement& s) {
  CallRecord r;
  r.call_id = s.text(0);
  r.sip_call_id = s.text(1);
  r.from = s.text(2);
  r.to = s.text(3);
  r.app = s.text(4);
  r.start_unix_ms = s.integer(5);
  r.answer_unix_ms = s.integer(6);
  r.end_unix_ms = s.integer(7);
  r.exit_reason = s.text(8);
  r.direction = s.text(9);
  r.deployment = s.text(10);  // access checks (api/call_access.h)
  return r;
}

constexpr const char* kSelectCalls =
    "SELECT call_id, sip_call_id, from_uri, to_uri, app, start_unix_ms, answer_unix_ms, "
    "end_unix_ms, exit_reason, direction, deployment FROM call_logs";

class SqliteCallLogs final : public CallLogStore {
 public:
  SqliteCallLogs(std::shared_ptr<Database> db, privacy::RedactionPolicy policy)
      : db_(std::move(db)), policy_(std::move(policy)) {}

  Status write(const CallRecord& record) override;
  Result<std::vector<CallRecord>> query(const CallQuery& q) const override;
  Result<std::optional<CallRecord>> get(const std::string& call_id) const override;
  Result<std::int64_t> purge_details_before(std::int64_t cutoff_unix_ms) override;
  Result<std::int64_t> purge_calls_before(std::int64_t cutoff_unix_ms) override;

 protected:
  Status in_transaction(const std::function<Status()>& body) override {
    return db_->transaction(body);
  }

 private:
  static Status load_visits(Database& conn, CallRecord& record);
  static Status load_media(Database& conn, CallRecord& record);
  Status write_media(const std::string& call_id, const CallMediaRecord& media);

  std::shared_ptr<Database> db_;
  privacy::RedactionPolicy policy_;
};

}  // namespace

std::unique_ptr<CallLogStore> make_sqlite_call_logs(std::shared_ptr<Database> db,
                                                    privacy::RedactionPolicy policy) {
  return std::make_unique<SqliteCallLogs>(std::move(db), std::move(policy));
}

Result<std::unique_ptr<CallLogStore>> CallLogStore::open(const std::string& path,
                                                         privacy::RedactionPolicy policy) {
  auto db = open_and_migrate(path);
  if (!db) return db.error();
  return make_sqlite_call_logs(std::shared_ptr<Database>(std::move(*db)), std::move(policy));
}

std::vector<Status> CallLogStore::write_batch(std::span<const CallRecord> records) {
  std::vector<Status> results;
  results.reserve(records.size());
  auto outer = in_transaction([&]() -> Status {
    for (const auto& record : records) results.push_back(write(record));
    return Ok{};
  });
  // The commit itself failed: nothing of the batch is on disk.
  if (!outer)
    for (auto& result : results)
      if (result) result = outer;
  // BEGIN failed before any write ran.
  while (results.size() < records.size()) results.push_back(outer);
  return results;
}

Result<std::vector<CallRecord>> CallLogStore::list(int limit) const {
  CallQuery q;
  q.limit = limit;
  q.with_details = true;
  return query(q);
}

Status SqliteCallLogs::write(const CallRecord& record) {
  auto redact_text = [this](std::string_view text) { return privacy::redact(text, policy_); };
  return db_->transaction([&]() -> Status {
    auto s = db_->prepare(
        "INSERT INTO call_logs (call_id, sip_call_id, from_uri, to_uri, app, "
        "start_unix_ms, answer_unix_ms, end_unix_ms, exit_reason, deployment, direction) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!s) return s.error();
    s->bind(1, record.call_id);
    s->bind(2, redact_text(record.sip_call_id));
    s->bind(3, redact_text(record.from));
    s->bind(4, redact_text(record.to));
    s->bind(5, redact_text(record.app));
    s->bind(6, record.start_unix_ms);
    s->bind(7, record.answer_unix_ms);
    s->bind(8, record.end_unix_ms);
    s->bind(9, redact_text(record.exit_reason));
    s->bind(10, redact_text(record.deployment));
    s->bind(11, record.direction);
    if (auto st = s->run(); !st) return st;
    auto v = db_->prepare(
        "INSERT INTO call_log_visits (call_id, seq, page, module, type, result) "
        "VALUES (?,?,?,?,?,?)");
    if (!v) return v.error();
    for (std::size_t i = 0; i < record.visits.size(); ++i) {
      const auto& visit = record.visits[i];
      v->reset();
      v->bind(1, record.call_id);
      v->bind(2, static_cast<std::int64_t>(i));
      v->bind(3, redact_text(visit.page));
      v->bind(4, redact_text(visit.module));
      v->bind(5, redact_text(visit.type));
      v->bind(6, redact_text(visit.result));
      if (auto st = v->run(); !st) return st;
    }
    if (record.media) return write_media(record.call_id, *record.media);
    return Ok{};
  });
}

Status SqliteCallLogs::write_media(const std::string& call_id, const CallMediaRecord& media) {
  auto s = db_->prepare(std::string("INSERT INTO call_media (call_id, ") + kCallMediaColumns +
                        ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s) return s.error();
  const CallMediaRow row = to_media_row(media);
  s->bind(1, call_id);
  s->bind(2, row.codec);
  int i = 3;
  for (std::int64_t value : {std::int64_t{row.srtp}, row.in_packets, row.in_lost, row.in_jitter_us,
                             row.in_mos_x100, std::int64_t{row.out_reported}, row.out_packets,
                             row.out_lost, row.out_jitter_us, row.out_mos_x100})
    s->bind(i++, value);
  if (row.rtt_us)
    s->bind(i, *row.rtt_us);
  else
    s->bind_null(i);
  return s->run();
}

Status SqliteCallLogs::load_media(Database& conn, CallRecord& record) {
  static const std::string sql =
      std::string("SELECT ") + kCallMediaColumns + " FROM call_media WHERE call_id = ?";
  auto s = conn.prepare(sql);
  if (!s) return s.error();
  s->bind(1, record.call_id);
  auto found = s->step();
  if (!found) return found.error();
  if (!*found) return Ok{};
  CallMediaRow row;
  row.codec = s->text(0);
  row.srtp = s->integer(1) != 0;
  row.in_packets = s->integer(2);
  row.in_lost = s->integer(3);
  row.in_jitter_us = s->integer(4);
  row.in_mos_x100 = s->integer(5);
  row.out_reported = s->integer(6) != 0;
  row.out_packets = s->integer(7);
  row.out_lost = s->integer(8);
  row.out_jitter_us = s->integer(9);
  row.out_mos_x100 = s->integer(10);
  if (!s->is_null(11)) row.rtt_us = s->integer(11);
  record.media = from_media_row(row);
  return Ok{};
}

Status SqliteCallLogs::load_visits(Database& conn, CallRecord& record) {
  auto s = conn.prepare(
      "SELECT page, module, type, result FROM call_log_visits WHERE call_id = ? ORDER BY seq");
  if (!s) return s.error();
  s->bind(1, record.call_id);
  for (;;) {
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) break;
    record.visits.push_back({s->text(0), s->text(1), s->text(2), s->text(3)});
  }
  return Ok{};
}

Result<std::vector<CallRecord>> SqliteCallLogs::query(const CallQuery& q) const {
  auto conn = db_->read();
  std::string sql = std::string(kSelectCalls) + " WHERE start_unix_ms >= ?1 AND start_unix_ms < ?2";
  if (!q.number.empty()) sql += " AND (instr(to_uri, ?3) > 0 OR instr(from_uri, ?3) > 0)";
  if (!q.app.empty()) sql += " AND app = ?4";
  if (!q.disposition.empty())
    sql += " AND (exit_reason = ?5 OR substr(exit_reason, 1, length(?5) + 1) = ?5 || ':')";
  if (q.after) sql += " AND (start_unix_ms < ?6 OR (start_unix_ms = ?6 AND call_id < ?7))";
  if (q.deployments) sql += " AND instr(?9, ',' || deployment || ',') > 0";  // label_set.h
  sql += " ORDER BY start_unix_ms DESC, call_id DESC LIMIT ?8";
  auto s = conn->prepare(sql);
  if (!s) return s.error();
  s->bind(1, q.from_unix_ms);
  s->bind(2, q.to_unix_ms);
  if (!q.number.empty()) s->bind(3, q.number);
  if (!q.app.empty()) s->bind(4, q.app);
  if (!q.disposition.empty()) s->bind(5, q.disposition);
  if (q.after) {
    s->bind(6, q.after->first);
    s->bind(7, q.after->second);
  }
  s->bind(8, static_cast<std::int64_t>(q.limit));
  if (q.deployments) s->bind(9, label_set(*q.deployments));
  std::vector<CallRecord> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_call_row(*s));
  }
  if (q.with_details) {
    for (auto& r : out) {
      if (auto st = load_visits(*conn, r); !st) return st.error();
      if (auto st = load_media(*conn, r); !st) return st.error();
    }
  }
  return out;
}

Result<std::optional<CallRecord>> SqliteCallLogs::get(const std::string& call_id) const {
  static const std::string sql = std::string(kSelectCalls) + " WHERE call_id = ?";
  auto conn = db_->read();
  auto s = conn->prepare(sql);
  if (!s) return s.error();
  s->bind(1, call_id);
  auto row = s->step();
  if (!row) return row.error();
  if (!*row) return std::optional<CallRecord>{};
  CallRecord r = read_call_row(*s);
  if (auto st = load_visits(*conn, r); !st) return st.error();
  if (auto st = load_media(*conn, r); !st) return st.error();
  return std::optional<CallRecord>{std::move(r)};
}

Result<std::int64_t> SqliteCallLogs::purge_details_before(std::int64_t cutoff_unix_ms) {
  auto guard = db_->lock();
  auto s = db_->prepare(
      "DELETE FROM call_log_visits WHERE call_id IN "
      "(SELECT call_id FROM call_logs WHERE end_unix_ms < ?)");
  if (!s) return s.error();
  s->bind(1, cutoff_unix_ms);
  if (auto st = s->run(); !st) return st.error();
  return static_cast<std::int64_t>(db_->changes());
}

Result<std::int64_t> SqliteCallLogs::purge_calls_before(std::int64_t cutoff_unix_ms) {
  auto guard = db_->lock();
  auto s = db_->prepare("DELETE FROM call_logs WHERE end_unix_ms < ?");
  if (!s) return s.error();
  s->bind(1, cutoff_unix_ms);
  if (auto st = s->run(); !st) return st.error();
  return static_cast<std::int64_t>(db_->changes());
}

}  // namespace keyline::store
