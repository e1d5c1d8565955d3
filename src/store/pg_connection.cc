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

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& url,
                                                            const std::string& password) {
  // Keywords before "dbname" are defaults the URL may override; "password"
  // after it overrides the URL's. A server that does not answer fails the
  // start within 10 s instead of hanging it.
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
  std::string description = std::string("postgresql://") + PQuser(conn) + "@" + PQhost(conn) + ":" +
                            PQport(conn) + "/" + PQdb(conn) + (PQsslInUse(conn) ? " (TLS)" : "");
  return std::unique_ptr<PgConnection>(new PgConnection(conn, std::move(description)));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::ensure_connected() {
  if (PQstatus(conn_) == CONNECTION_OK) return Ok{};
  // A dropped connection (server restart) is re-opened between transactions,
  // never inside one: the transaction's earlier statements are gone with it.
  if (depth_ > 0) return make_error("store", "postgresql: connection lost inside a transaction");
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK)
    return make_error("store", "postgresql: reconnect failed: " + one_line(PQerrorMessage(conn_)));
  return Ok{};
}

Result<PgResult> PgConnection::query(std::string_view sql, const std::vector<PgParam>& params) {
  auto guard = lock();
  if (auto st = ensure_connected(); !st) return st.error();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.value ? p.value->c_str() : nullptr);
  const std::string text(sql);
  pg_result* raw = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0);
  if (!raw) return make_error("store", "postgresql: " + one_line(PQerrorMessage(conn_)));
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

Status PgConnection::exec(std::string_view sql, const std::vector<PgParam>& params) {
  auto r = query(sql, params);
  if (!r) return r.error();
  return Ok{};
}

Status PgConnection::exec_script(const std::string& sql) {
  auto guard = lock();
  if (auto st = ensure_connected(); !st) return st;
  pg_result* raw = PQexec(conn_, sql.c_str());
  if (!raw) return make_error("store", "postgresql: " + one_line(PQerrorMessage(conn_)));
  PgResult result(raw);
  const auto status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Ok{};
  return make_error("store", "postgresql: " + one_line(PQresultErrorMessage(raw)));
}

Status PgConnection::transaction(const std::function<Status()>& body) {
  auto guard = lock();
  const std::string savepoint = "keyline_sp" + std::to_string(depth_);
  if (auto st = exec(depth_ == 0 ? "BEGIN" : "SAVEPOINT " + savepoint); !st) return st;
  ++depth_;
  auto result = body();
  --depth_;
  if (!result) {
    if (depth_ == 0) {
      (void)exec("ROLLBACK");
    } else {
      (void)exec("ROLLBACK TO SAVEPOINT " + savepoint);
      (void)exec("RELEASE SAVEPOINT " + savepoint);
    }
    return result;
  }
  if (auto st = exec(depth_ == 0 ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint); !st) {
    if (depth_ == 0) (void)exec("ROLLBACK");
    return st;
  }
  return Ok{};
}

}  // namespace keyline::store
