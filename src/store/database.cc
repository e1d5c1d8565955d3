#include "store/database.h"

#include <sqlite3.h>

namespace keyline::store {

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}
void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void Statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }
void Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error("step");
}

Status Statement::run() {
  auto r = step();
  if (!r) return r.error();
  return Ok{};
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}
std::string Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  if (!p) return {};
  return std::string(static_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}
std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return make_error("store", "open " + path + ": " + message);
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  // Readers (the API, `keyline logs`) and the writer thread share the file;
  // a busy writer makes others wait instead of failing at once.
  sqlite3_busy_timeout(raw, 5000);
  auto st = db->exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
  if (!st) return st.error();
  return db;
}

Database::~Database() { sqlite3_close(db_); }

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt);
    return error("prepare");
  }
  return Statement(*this, stmt);
}

Status Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return make_error("store", message);
  }
  return Ok{};
}

Status Database::transaction(const std::function<Status()>& body) {
  auto guard = lock();
  // Nested calls (a repository's own transaction inside an import) become
  // savepoints of the outer transaction: its ROLLBACK still undoes them.
  const std::string savepoint = "keyline_sp" + std::to_string(depth_);
  if (auto st = exec(depth_ == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT " + savepoint); !st) return st;
  ++depth_;
  auto result = body();
  --depth_;
  if (!result) {
    (void)exec(depth_ == 0 ? "ROLLBACK" : "ROLLBACK TO " + savepoint + "; RELEASE " + savepoint);
    return result;
  }
  if (auto st = exec(depth_ == 0 ? "COMMIT" : "RELEASE " + savepoint); !st) {
    if (depth_ == 0) (void)exec("ROLLBACK");
    return st;
  }
  return Ok{};
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

Error Database::error(const std::string& what) const {
  return make_error("store", what + ": " + sqlite3_errmsg(db_));
}

}  // namespace keyline::store
