#include "store/call_log_store.h"

#include <sqlite3.h>

#include "privacy/redact.h"

namespace keyline::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS call_logs (
  call_id TEXT PRIMARY KEY,
  sip_call_id TEXT NOT NULL,
  from_uri TEXT NOT NULL,
  to_uri TEXT NOT NULL,
  app TEXT NOT NULL,
  start_unix_ms INTEGER NOT NULL,
  answer_unix_ms INTEGER NOT NULL,
  end_unix_ms INTEGER NOT NULL,
  exit_reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS call_log_visits (
  call_id TEXT NOT NULL REFERENCES call_logs(call_id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  page TEXT NOT NULL,
  module TEXT NOT NULL,
  type TEXT NOT NULL,
  result TEXT NOT NULL,
  PRIMARY KEY (call_id, seq)
);
CREATE INDEX IF NOT EXISTS call_logs_start ON call_logs(start_unix_ms);
)sql";

Error db_error(sqlite3* db, const std::string& what) {
  return make_error("store", what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// RAII for prepared statements.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt* get() const { return stmt_; }
  explicit operator bool() const { return stmt_ != nullptr; }
  void text(int index, const std::string& value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void integer(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  std::string column_text(int index) const {
    auto* p = sqlite3_column_text(stmt_, index);
    return p ? reinterpret_cast<const char*>(p) : "";
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

CallRecord read_call_row(const Statement& s) {
  CallRecord r;
  r.call_id = s.column_text(0);
  r.sip_call_id = s.column_text(1);
  r.from = s.column_text(2);
  r.to = s.column_text(3);
  r.app = s.column_text(4);
  r.start_unix_ms = sqlite3_column_int64(s.get(), 5);
  r.answer_unix_ms = sqlite3_column_int64(s.get(), 6);
  r.end_unix_ms = sqlite3_column_int64(s.get(), 7);
  r.exit_reason = s.column_text(8);
  return r;
}

constexpr const char* kSelectCalls =
    "SELECT call_id, sip_call_id, from_uri, to_uri, app, start_unix_ms, answer_unix_ms, "
    "end_unix_ms, exit_reason FROM call_logs";

}  // namespace

Result<std::unique_ptr<CallLogStore>> CallLogStore::open(const std::string& path,
                                                         privacy::RedactionPolicy policy) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = db_error(db, "open " + path);
    sqlite3_close(db);
    return e;
  }
  std::unique_ptr<CallLogStore> store(new CallLogStore(db, std::move(policy)));
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;") + kSchema;
  if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown";
    sqlite3_free(err);
    return make_error("store", "schema: " + message);
  }
  return store;
}

CallLogStore::CallLogStore(sqlite3* db, privacy::RedactionPolicy policy)
    : db_(db), policy_(std::move(policy)) {}
CallLogStore::~CallLogStore() { sqlite3_close(db_); }

Status CallLogStore::write(const CallRecord& record) {
  auto redact_text = [this](std::string_view text) { return privacy::redact(text, policy_); };
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return db_error(db_, "begin");
  auto rollback = [&](Error e) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return e;
  };
  {
    Statement s(db_,
                "INSERT INTO call_logs (call_id, sip_call_id, from_uri, to_uri, app, "
                "start_unix_ms, answer_unix_ms, end_unix_ms, exit_reason) "
                "VALUES (?,?,?,?,?,?,?,?,?)");
    if (!s) return rollback(db_error(db_, "prepare insert"));
    s.text(1, record.call_id);
    s.text(2, redact_text(record.sip_call_id));
    s.text(3, redact_text(record.from));
    s.text(4, redact_text(record.to));
    s.text(5, redact_text(record.app));
    s.integer(6, record.start_unix_ms);
    s.integer(7, record.answer_unix_ms);
    s.integer(8, record.end_unix_ms);
    s.text(9, redact_text(record.exit_reason));
    if (sqlite3_step(s.get()) != SQLITE_DONE) return rollback(db_error(db_, "insert call"));
  }
  for (std::size_t i = 0; i < record.visits.size(); ++i) {
    const auto& v = record.visits[i];
    Statement s(db_,
                "INSERT INTO call_log_visits (call_id, seq, page, module, type, result) "
                "VALUES (?,?,?,?,?,?)");
    if (!s) return rollback(db_error(db_, "prepare visit"));
    s.text(1, record.call_id);
    s.integer(2, static_cast<std::int64_t>(i));
    s.text(3, redact_text(v.page));
    s.text(4, redact_text(v.module));
    s.text(5, redact_text(v.type));
    s.text(6, redact_text(v.result));
    if (sqlite3_step(s.get()) != SQLITE_DONE) return rollback(db_error(db_, "insert visit"));
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return rollback(db_error(db_, "commit"));
  return Ok{};
}

Status CallLogStore::load_visits(CallRecord& record) const {
  Statement s(db_,
              "SELECT page, module, type, result FROM call_log_visits WHERE call_id = ? "
              "ORDER BY seq");
  if (!s) return db_error(db_, "prepare visits");
  s.text(1, record.call_id);
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    record.visits.push_back(
        {s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3)});
  }
  if (rc != SQLITE_DONE) return db_error(db_, "read visits");
  return Ok{};
}

Result<std::vector<CallRecord>> CallLogStore::list(int limit) const {
  std::string sql = std::string(kSelectCalls) + " ORDER BY start_unix_ms DESC, rowid DESC LIMIT ?";
  Statement s(db_, sql.c_str());
  if (!s) return db_error(db_, "prepare list");
  s.integer(1, limit);
  std::vector<CallRecord> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(read_call_row(s));
  if (rc != SQLITE_DONE) return db_error(db_, "list calls");
  for (auto& r : out) {
    auto st = load_visits(r);
    if (!st) return st.error();
  }
  return out;
}

Result<std::optional<CallRecord>> CallLogStore::get(const std::string& call_id) const {
  std::string sql = std::string(kSelectCalls) + " WHERE call_id = ?";
  Statement s(db_, sql.c_str());
  if (!s) return db_error(db_, "prepare get");
  s.text(1, call_id);
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE) return std::optional<CallRecord>{};
  if (rc != SQLITE_ROW) return db_error(db_, "get call");
  CallRecord r = read_call_row(s);
  auto st = load_visits(r);
  if (!st) return st.error();
  return std::optional<CallRecord>{std::move(r)};
}

}  // namespace keyline::store
