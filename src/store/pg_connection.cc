#include "store/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>

namespace keyline::store {
namespace {

// libpq's messages end with a newline and may span lines; one line reads better in a log.
std::string one_line(const char* message) {
  std::string out = message ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (auto& c : out)
    if (c == '\n') c = ' ';
  return out;
}

// Server notices ("relation already exists, skipping") would go to stderr unasked.
void ignore_notice(void*, const char*) {}

}  // namespace

void PgResult::clear(pg_result* result) { PQclear(result); }
int PgResult::rows() const { return PQntuples(result_.get()); }

std::string PgResult::text(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column)) return {};
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t PgResult::integer(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column)) return 0;
  const char* p = PQgetvalue(result_.get(), row, column);
  std::int64_t value = 0;
  std::from_chars(p, p + std::strlen(p), value);
  return value;
}

bool PgResult::boolean(int row, int column) const {
  const char* p = PQgetvalue(result_.get(), row, column);
  return p && p[0] == 't';
}

std::int64_t PgResult::affected() const {
  const char* p = PQcmdTuples(result_.get());
  std::int64_t value = 0;
  if (p) std::from_chars(p, p + std::strlen(p), value);
  return value;
}

namespace {

// Keywords before "dbname" are defaults the URL may override; "password"
// after it overrides the URL's. A server that does not answer fails within
// 10 s instead of hanging the caller.
Result<pg_conn*> open_raw(const std::string& url, const std::string& password) {
  std::vector<const char*> keys = {"connect_timeout", "fallback_application_name", "dbname"};
  std::vector<const char*> values = {"10", "keyline", url.c_str()};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  pg_conn* conn = PQconnectdbParams(keys.data(), values.data(), 1);
  if (!conn) return make_error("store", "postgresql: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = one_line(PQerrorMessage(conn));
    PQfinish(conn);
    return make_error("store", "cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn, &ignore_notice, nullptr);
  return conn;
}

}  // namespace

PgConnection::PgConnection(std::string url, std::string password, int pool_size)
    : url_(std::move(url)),
      password_(std::move(password)),
      slots_(static_cast<std::size_t>(pool_size < 1 ? 1 : pool_size)) {}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& url,
                                                            const std::string& password,
                                                            int pool_size) {
  std::unique_ptr<PgConnection> pool(new PgConnection(url, password, pool_size));
  auto first = open_raw(url, password);
  if (!first) return first.error();
  pg_conn* conn = *first;
  pool->slots_[0].conn = conn;
  pool->open_ = 1;
  pool->description_ = std::string("postgresql://") + PQuser(conn) + "@" + PQhost(conn) + ":" +
                       PQport(conn) + "/" + PQdb(conn) + (PQsslInUse(conn) ? " (TLS)" : "");
  return pool;
}

PgConnection::~PgConnection() {
  for (auto& slot : slots_)
    if (slot.conn) PQfinish(slot.conn);
}

PgConnection::Lease PgConnection::lock() {
  (void)pin();
  return Lease(this);
}

PgConnection::Slot& PgConnection::pin() {
  std::unique_lock guard(mutex_);
  const auto me = std::this_thread::get_id();
  if (auto it = pins_.find(me); it != pins_.end()) {
    ++it->second.count;
    return slots_[it->second.slot];
  }
  // Prefer a slot whose connection is already open; open a new one only when none is free.
  for (;;) {
    std::optional<std::size_t> pick;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].busy) continue;
      if (slots_[i].conn) {
        pick = i;
        break;
      }
      if (!pick) pick = i;
    }
    if (pick) {
      slots_[*pick].busy = true;
      pins_[me] = Pin{*pick, 1};
      return slots_[*pick];
    }
    freed_.wait(guard);
  }
}

void PgConnection::unpin() {
  {
    std::lock_guard guard(mutex_);
    auto it = pins_.find(std::this_thread::get_id());
    if (it == pins_.end() || --it->second.count > 0) return;
    slots_[it->second.slot].busy = false;
    pins_.erase(it);
  }
  freed_.notify_one();
}

int PgConnection::open_connections() const {
  std::lock_guard guard(mutex_);
  return open_;
}

std::uint64_t PgConnection::replaced_connections() const {
  std::lock_guard guard(mutex_);
  return replaced_;
}

Status PgConnection::ensure_connected(Slot& slot) {
  if (slot.conn && PQstatus(slot.conn) == CONNECTION_OK) return Ok{};
  if (slot.depth > 0)
    return make_error("store", "postgresql: connection lost inside a transaction");
  const bool replacing = slot.conn != nullptr;
  if (slot.conn) PQfinish(slot.conn);
  slot.conn = nullptr;
  auto fresh = open_raw(url_, password_);
  std::lock_guard guard(mutex_);
  if (!fresh) {
    if (replacing) --open_;
    return make_error("store", "postgresql: reconnect failed: " + fresh.error().message);
  }
  slot.conn = *fresh;
  if (replacing)
    ++replaced_;
  else
    ++open_;
  return Ok{};
}

Result<PgResult> PgConnection::run(Slot& slot, const std::string& sql,
                                   const std::vector<PgParam>& params) {
  if (auto st = ensure_connected(slot); !st) return st.error();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.value ? p.value->c_str() : nullptr);
  pg_result* raw = PQexecParams(slot.conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0);
  if (!raw) return make_error("store", "postgresql: " + one_line(PQerrorMessage(slot.conn)));
  PgResult result(raw);
  const auto status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  // Class 23 is "integrity constraint violation": a duplicate key or a
  // missing referenced row, which callers report as a conflict.
  const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  const bool constraint = state && std::strncmp(state, "23", 2) == 0;
  return make_error(constraint ? "constraint" : "store",
                    "postgresql: " + one_line(PQresultErrorMessage(raw)));
}

Result<PgResult> PgConnection::query(std::string_view sql, const std::vector<PgParam>& params) {
  Slot& slot = pin();
  Lease lease(this);
  const std::string text(sql);
  auto result = run(slot, text, params);
  // A connection the server dropped while idle (pg_terminate_backend, a
  // restart) fails the first statement sent on it, which never ran: outside
  // a transaction, replace the connection and send the statement once more.
  if (!result && slot.depth == 0 && slot.conn && PQstatus(slot.conn) != CONNECTION_OK)
    result = run(slot, text, params);
  return result;
}

Status PgConnection::exec(std::string_view sql, const std::vector<PgParam>& params) {
  auto r = query(sql, params);
  if (!r) return r.error();
  return Ok{};
}

Status PgConnection::exec_script(const std::string& sql) {
  Slot& slot = pin();
  Lease lease(this);
  if (auto st = ensure_connected(slot); !st) return st;
  pg_result* raw = PQexec(slot.conn, sql.c_str());
  if (!raw) return make_error("store", "postgresql: " + one_line(PQerrorMessage(slot.conn)));
  PgResult result(raw);
  const auto status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Ok{};
  return make_error("store", "postgresql: " + one_line(PQresultErrorMessage(raw)));
}

Status PgConnection::transaction(const std::function<Status()>& body) {
  Slot& slot = pin();
  Lease lease(this);
  const bool outer = slot.depth == 0;
  const std::string savepoint = "keyline_sp" + std::to_string(slot.depth);
  if (auto st = exec(outer ? "BEGIN" : "SAVEPOINT " + savepoint); !st) return st;
  // The depth stays raised until COMMIT or ROLLBACK is sent, so a connection
  // lost meanwhile is an error, never a silent retry on a fresh session.
  ++slot.depth;
  auto result = body();
  Status ended = Ok{};
  if (!result) {
    if (outer) {
      (void)exec("ROLLBACK");
    } else {
      (void)exec("ROLLBACK TO SAVEPOINT " + savepoint);
      (void)exec("RELEASE SAVEPOINT " + savepoint);
    }
  } else {
    ended = exec(outer ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint);
    if (!ended && outer) (void)exec("ROLLBACK");
  }
  --slot.depth;
  if (!result) return result;
  return ended;
}

}  // namespace keyline::store
