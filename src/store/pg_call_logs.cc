// Call logs in PostgreSQL: the same tables and queries as the SQLite store
// (call_log_store.cc), so every node's calls land in the shared database.
#include "privacy/redact.h"
#include "store/call_media_row.h"
#include "store/label_set.h"
#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kSelectCalls =
    "SELECT call_id, sip_call_id, from_uri, to_uri, app, start_unix_ms, answer_unix_ms, "
    "end_unix_ms, exit_reason, direction, deployment FROM call_logs";

CallRecord read_call(const PgResult& r, int row) {
  CallRecord c;
  c.call_id = r.text(row, 0);
  c.sip_call_id = r.text(row, 1);
  c.from = r.text(row, 2);
  c.to = r.text(row, 3);
  c.app = r.text(row, 4);
  c.start_unix_ms = r.integer(row, 5);
  c.answer_unix_ms = r.integer(row, 6);
  c.end_unix_ms = r.integer(row, 7);
  c.exit_reason = r.text(row, 8);
  c.direction = r.text(row, 9);
  c.deployment = r.text(row, 10);  // access checks (api/call_access.h)
  return c;
}

class PgCallLogs final : public CallLogStore {
 public:
  PgCallLogs(std::shared_ptr<PgConnection> db, privacy::RedactionPolicy policy)
      : db_(std::move(db)), policy_(std::move(policy)) {}

  Status write(const CallRecord& record) override {
    auto redact = [this](std::string_view text) { return privacy::redact(text, policy_); };
    return db_->transaction([&]() -> Status {
      if (auto st = db_->exec(
              "INSERT INTO call_logs (call_id, sip_call_id, from_uri, to_uri, app, "
              "start_unix_ms, answer_unix_ms, end_unix_ms, exit_reason, deployment, direction) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
              {record.call_id, redact(record.sip_call_id), redact(record.from), redact(record.to),
               redact(record.app), record.start_unix_ms, record.answer_unix_ms, record.end_unix_ms,
               redact(record.exit_reason), redact(record.deployment), record.direction});
          !st)
        return st;
      for (std::size_t i = 0; i < record.visits.size(); ++i) {
        const auto& v = record.visits[i];
        if (auto st =
                db_->exec("INSERT INTO call_log_visits (call_id, seq, page, module, type, result) "
                          "VALUES ($1, $2, $3, $4, $5, $6)",
                          {record.call_id, static_cast<std::int64_t>(i), redact(v.page),
                           redact(v.module), redact(v.type), redact(v.result)});
            !st)
          return st;
      }
      if (record.media) return write_media(record.call_id, *record.media);
      return Ok{};
    });
  }

  Status in_transaction(const std::function<Status()>& body) override {
    return db_->transaction(body);
  }

  Result<std::vector<CallRecord>> query(const CallQuery& q) const override {
    // Parameters are numbered as the filters are added; values are never spliced in.
    std::vector<PgParam> params = {q.from_unix_ms, q.to_unix_ms};
    auto next = [&params](PgParam p) {
      params.push_back(std::move(p));
      return "$" + std::to_string(params.size());
    };
    std::string sql =
        std::string(kSelectCalls) + " WHERE start_unix_ms >= $1 AND start_unix_ms < $2";
    if (!q.number.empty()) {
      auto n = next(q.number);
      sql += " AND (strpos(to_uri, " + n + ") > 0 OR strpos(from_uri, " + n + ") > 0)";
    }
    if (!q.app.empty()) sql += " AND app = " + next(q.app);
    if (!q.disposition.empty()) {
      auto d = next(q.disposition);
      sql += " AND (exit_reason = " + d + " OR substr(exit_reason, 1, length(" + d +
             ") + 1) = " + d + " || ':')";
    }
    if (q.after) {
      auto start = next(q.after->first);
      auto id = next(q.after->second);
      sql += " AND (start_unix_ms < " + start + " OR (start_unix_ms = " + start +
             " AND call_id COLLATE \"C\" < " + id + "))";
    }
    if (q.deployments)  // label_set.h
      sql += " AND strpos(" + next(label_set(*q.deployments)) + ", ',' || deployment || ',') > 0";
    sql += " ORDER BY start_unix_ms DESC, call_id COLLATE \"C\" DESC LIMIT " +
           next(static_cast<std::int64_t>(q.limit));
    auto guard = db_->lock();
    auto rows = db_->query(sql, params);
    if (!rows) return rows.error();
    std::vector<CallRecord> out;
    for (int i = 0; i < rows->rows(); ++i) out.push_back(read_call(*rows, i));
    if (q.with_details)
      for (auto& r : out) {
        if (auto st = load_visits(r); !st) return st.error();
        if (auto st = load_media(r); !st) return st.error();
      }
    return out;
  }

  Result<std::optional<CallRecord>> get(const std::string& call_id) const override {
    auto guard = db_->lock();
    auto rows = db_->query(std::string(kSelectCalls) + " WHERE call_id = $1", {call_id});
    if (!rows) return rows.error();
    if (rows->rows() == 0) return std::optional<CallRecord>{};
    CallRecord r = read_call(*rows, 0);
    if (auto st = load_visits(r); !st) return st.error();
    if (auto st = load_media(r); !st) return st.error();
    return std::optional<CallRecord>{std::move(r)};
  }

  Result<std::int64_t> purge_details_before(std::int64_t cutoff) override {
    auto r = db_->query(
        "DELETE FROM call_log_visits WHERE call_id IN "
        "(SELECT call_id FROM call_logs WHERE end_unix_ms < $1)",
        {cutoff});
    if (!r) return r.error();
    return r->affected();
  }

  Result<std::int64_t> purge_calls_before(std::int64_t cutoff) override {
    auto r = db_->query("DELETE FROM call_logs WHERE end_unix_ms < $1", {cutoff});
    if (!r) return r.error();
    return r->affected();
  }

 private:
  Status load_visits(CallRecord& record) const {
    auto rows = db_->query(
        "SELECT page, module, type, result FROM call_log_visits WHERE call_id = $1 ORDER BY seq",
        {record.call_id});
    if (!rows) return rows.error();
    for (int i = 0; i < rows->rows(); ++i)
      record.visits.push_back(
          {rows->text(i, 0), rows->text(i, 1), rows->text(i, 2), rows->text(i, 3)});
    return Ok{};
  }

  Status write_media(const std::string& call_id, const CallMediaRecord& media) {
    const CallMediaRow row = to_media_row(media);
    return db_->exec(
        std::string("INSERT INTO call_media (call_id, ") + kCallMediaColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        {call_id, row.codec, row.srtp, row.in_packets, row.in_lost, row.in_jitter_us,
         row.in_mos_x100, row.out_reported, row.out_packets, row.out_lost, row.out_jitter_us,
         row.out_mos_x100, row.rtt_us ? PgParam(*row.rtt_us) : PgParam(std::nullopt)});
  }

  Status load_media(CallRecord& record) const {
    auto rows = db_->query(std::string("SELECT ") + kCallMediaColumns +
                               ", rtt_us IS NULL FROM call_media WHERE call_id = $1",
                           {record.call_id});
    if (!rows) return rows.error();
    if (rows->rows() == 0) return Ok{};
    CallMediaRow row;
    row.codec = rows->text(0, 0);
    row.srtp = rows->boolean(0, 1);
    row.in_packets = rows->integer(0, 2);
    row.in_lost = rows->integer(0, 3);
    row.in_jitter_us = rows->integer(0, 4);
    row.in_mos_x100 = rows->integer(0, 5);
    row.out_reported = rows->boolean(0, 6);
    row.out_packets = rows->integer(0, 7);
    row.out_lost = rows->integer(0, 8);
    row.out_jitter_us = rows->integer(0, 9);
    row.out_mos_x100 = rows->integer(0, 10);
    if (!rows->boolean(0, 12)) row.rtt_us = rows->integer(0, 11);
    record.media = from_media_row(row);
    return Ok{};
  }

  std::shared_ptr<PgConnection> db_;
  privacy::RedactionPolicy policy_;
};

}  // namespace

std::unique_ptr<CallLogStore> make_pg_call_logs(std::shared_ptr<PgConnection> db,
                                                privacy::RedactionPolicy policy) {
  return std::make_unique<PgCallLogs>(std::move(db), std::move(policy));
}

}  // namespace keyline::store
