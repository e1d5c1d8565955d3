#include "store/database.h"

#include <sqlite3.h>

#include <algorithm>

namespace keyline::store {

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), idle_(other.idle_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_) db_->release(stmt_, idle_);
}

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

namespace {

bool in_memory(const std::string& path) {
  return path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0;
}

Result<sqlite3*> open_connection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return make_error("store", "open " + path + ": " + message);
  }
  // Readers (the API, `keyline logs`) and the writer thread share the file;
  // a busy writer makes others wait instead of failing at once.
  sqlite3_busy_timeout(raw, 5000);
  return raw;
}

}  // namespace

namespace {

// One read transaction for a reader's whole lease: its statements read one snapshot (a call and
// its entries agree even while retention deletes), and the file and WAL locks are taken once
// per lease instead of once per statement.
bool begin_read(Database& reader) {
  auto s = reader.prepare("BEGIN");
  return s && s->run();
}

bool end_read(Database& reader) {
  {
    auto s = reader.prepare("COMMIT");
    if (s && s->run()) return true;
  }
  if (auto rollback = reader.prepare("ROLLBACK")) (void)rollback->run();
  return false;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  auto raw =
      open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX);
  if (!raw) return raw.error();
  std::unique_ptr<Database> db(new Database(*raw, path, false));
  auto st = db->exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
  if (!st) return st.error();
  // Another connection to an in-memory database would be another database.
  db->reader_limit_ = in_memory(path) ? 0 : kDefaultReaders;
  return db;
}

// Opened after the main connection set WAL mode (it persists in the file), so a
// read-only connection reads beside the writer instead of waiting for it.
Result<std::unique_ptr<Database>> Database::open_reader(const std::string& path) {
  // No mutex of SQLite's own: a reader is used by the one thread holding its lease (and the
  // statements prepared on it end with the lease), so locking every call would be waste.
  auto raw = open_connection(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!raw) return raw.error();
  return std::unique_ptr<Database>(new Database(*raw, path, true));
}

Database::~Database() {
  idle_readers_.clear();
  for (auto& [sql, idle] : cache_)
    for (auto* stmt : idle) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<Statement> Database::prepare(std::string_view sql) {
  Statement::Idle* slot = nullptr;
  {
    std::lock_guard guard(cache_mutex_);
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end() && cache_.size() < kMaxCachedSql)
      it = cache_.emplace(std::string(sql), Statement::Idle{}).first;
    if (it != cache_.end()) {
      slot = &it->second;  // stable: map nodes are never erased before close
      if (!slot->empty()) {
        sqlite3_stmt* cached = slot->back();
        slot->pop_back();
        return Statement(*this, cached, slot);
      }
    }
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt);
    return error("prepare");
  }
  return Statement(*this, stmt, slot);
}

void Database::release(sqlite3_stmt* stmt, Statement::Idle* idle) {
  // A statement left mid-result would keep its read transaction open (and
  // pin the WAL); reset ends it, and the next user starts from clean bindings.
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (!idle) {
    sqlite3_finalize(stmt);
    return;
  }
  std::lock_guard guard(cache_mutex_);
  idle->push_back(stmt);
}

std::size_t Database::cached_statements() const {
  std::lock_guard guard(cache_mutex_);
  std::size_t n = 0;
  for (const auto& [sql, idle] : cache_) n += idle.size();
  return n;
}

void Database::set_reader_limit(int readers) {
  std::lock_guard guard(readers_mutex_);
  reader_limit_ = in_memory(path_) || read_only_ ? 0 : std::max(0, readers);
  while (!idle_readers_.empty() && readers_open_ > reader_limit_) {
    idle_readers_.pop_back();
    --readers_open_;
  }
}

ReadLease Database::read() {
  // Inside this thread's own transaction: read what it has written so far.
  if (transaction_thread_.load(std::memory_order_acquire) != std::this_thread::get_id()) {
    std::unique_ptr<Database> reader;
    {
      std::lock_guard guard(readers_mutex_);
      if (!idle_readers_.empty()) {
        reader = std::move(idle_readers_.back());
        idle_readers_.pop_back();
      } else if (readers_open_ < reader_limit_) {
        ++readers_open_;  // opened below, outside the lock
      } else {
        return ReadLease(*this, lock());  // every reader busy: this connection, as before
      }
    }
    if (!reader) {
      auto opened = open_reader(path_);
      if (opened) reader = std::move(*opened);
    }
    if (reader && begin_read(*reader)) return ReadLease(*this, std::move(reader));
    give_back(nullptr);  // could not open one or start a read: one reader fewer
  }
  return ReadLease(*this, lock());
}

void Database::give_back(std::unique_ptr<Database> reader) {
  std::lock_guard guard(readers_mutex_);
  if (!reader || readers_open_ > reader_limit_) {
    --readers_open_;  // dropped, or the limit was lowered while it was out
    return;
  }
  idle_readers_.push_back(std::move(reader));
}

ReadLease::~ReadLease() {
  if (!pool_ || !reader_) return;
  // Ends the lease's read transaction; a reader that cannot end it is not reused.
  if (!end_read(*reader_)) reader_.reset();
  pool_->give_back(std::move(reader_));
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
  if (depth_++ == 0)
    transaction_thread_.store(std::this_thread::get_id(), std::memory_order_release);
  auto result = body();
  if (--depth_ == 0) transaction_thread_.store(std::thread::id{}, std::memory_order_release);
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
