// The outbound queue on PostgreSQL. Several Keyline nodes may share it: a claim locks the due
// rows it takes (FOR UPDATE SKIP LOCKED), so each attempt is dialled by one node only.
#include "store/lines.h"
#include "store/outbound_repository.h"
#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kOutboundColumns =
    "id, deployment, owner, phone_number, ani, postd, parameters, secure, result_url, status, "
    "attempts, max_attempts, reattempt_wait_s, queued_unix_ms, start_unix_ms, end_unix_ms, "
    "next_attempt_unix_ms, connected_unix_ms, disconnected_unix_ms, last_result, "
    "result_pending, events, session_ids";

OutboundCall read_outbound_call(const PgResult& r, int row) {
  OutboundCall c;
  c.id = r.text(row, 0);
  c.deployment = r.text(row, 1);
  c.owner = r.text(row, 2);
  c.phone_number = r.text(row, 3);
  c.ani = r.text(row, 4);
  c.postd = r.text(row, 5);
  c.parameters = r.text(row, 6);
  c.secure = r.boolean(row, 7);
  c.result_url = r.text(row, 8);
  c.status = parse_outbound_status(r.text(row, 9)).value_or(OutboundStatus::kFailed);
  c.attempts = static_cast<int>(r.integer(row, 10));
  c.max_attempts = static_cast<int>(r.integer(row, 11));
  c.reattempt_wait_s = static_cast<int>(r.integer(row, 12));
  c.queued_unix_ms = r.integer(row, 13);
  c.start_unix_ms = r.integer(row, 14);
  c.end_unix_ms = r.integer(row, 15);
  c.next_attempt_unix_ms = r.integer(row, 16);
  c.connected_unix_ms = r.integer(row, 17);
  c.disconnected_unix_ms = r.integer(row, 18);
  c.last_result = r.text(row, 19);
  c.result_pending = r.boolean(row, 20);
  c.events = decode_outbound_events(r.text(row, 21));
  c.session_ids = split_lines(r.text(row, 22));
  return c;
}

// Every column but the id, in kOutboundColumns order ($2.. on insert, $1.. on update).
std::vector<PgParam> fields(const OutboundCall& c) {
  return {c.deployment,
          c.owner,
          c.phone_number,
          c.ani,
          c.postd,
          c.parameters,
          c.secure,
          c.result_url,
          std::string(outbound_status_name(c.status)),
          c.attempts,
          c.max_attempts,
          c.reattempt_wait_s,
          c.queued_unix_ms,
          c.start_unix_ms,
          c.end_unix_ms,
          c.next_attempt_unix_ms,
          c.connected_unix_ms,
          c.disconnected_unix_ms,
          c.last_result,
          c.result_pending,
          encode_outbound_events(c.events),
          join_lines(c.session_ids)};
}

class PgOutbound final : public OutboundRepository {
 public:
  explicit PgOutbound(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status add(const std::vector<OutboundCall>& calls) override {
    return db_->transaction([&]() -> Status {
      std::string placeholders;
      for (int i = 1; i <= 23; ++i) placeholders += (i > 1 ? ", $" : "$") + std::to_string(i);
      const std::string sql = std::string("INSERT INTO outbound_calls (") + kOutboundColumns +
                              ") VALUES (" + placeholders + ")";
      for (const auto& c : calls) {
        std::vector<PgParam> params{c.id};
        for (auto& p : fields(c)) params.push_back(std::move(p));
        if (auto st = db_->exec(sql, params); !st) return st;
      }
      return Ok{};
    });
  }

  Result<std::optional<OutboundCall>> get(const std::string& id) override {
    auto rows = select(" WHERE id = $1", {id});
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<OutboundCall>{};
    return std::optional<OutboundCall>{std::move(rows->front())};
  }

  Result<std::vector<OutboundCall>> list(const std::string& deployment, int limit) override {
    return select(" WHERE deployment = $1 ORDER BY queued_unix_ms DESC, id COLLATE \"C\" LIMIT $2",
                  {deployment, limit});
  }

  Result<std::vector<OutboundCall>> claim_due(std::int64_t now, int limit) override {
    std::vector<OutboundCall> claimed;
    auto st = db_->transaction([&]() -> Status {
      auto due = select(
          " WHERE status = 'queued' AND next_attempt_unix_ms <= $1 AND start_unix_ms <= $1 AND "
          "(end_unix_ms = 0 OR end_unix_ms > $1) ORDER BY next_attempt_unix_ms, queued_unix_ms "
          "LIMIT $2 FOR UPDATE SKIP LOCKED",
          {now, limit});
      if (!due) return due.error();
      for (auto& c : *due) {
        c.status = OutboundStatus::kDialing;
        c.attempts += 1;
        c.events.push_back({"dialing", now});
        auto updated = update(c);
        if (!updated) return updated.error();
        claimed.push_back(std::move(c));
      }
      return Ok{};
    });
    if (!st) return st.error();
    return claimed;
  }

  Result<int> expire(std::int64_t now) override {
    return finish_queued(
        " WHERE status = 'queued' AND end_unix_ms > 0 AND end_unix_ms <= $1 "
        "ORDER BY id COLLATE \"C\" LIMIT 1000 FOR UPDATE SKIP LOCKED",
        {now}, OutboundStatus::kFailed, "expired", now);
  }

  Result<bool> update(const OutboundCall& c) override {
    auto params = fields(c);
    params.push_back(c.id);
    auto r = db_->query(
        "UPDATE outbound_calls SET deployment = $1, owner = $2, phone_number = $3, ani = $4, "
        "postd = $5, parameters = $6, secure = $7, result_url = $8, status = $9, attempts = $10, "
        "max_attempts = $11, reattempt_wait_s = $12, queued_unix_ms = $13, start_unix_ms = $14, "
        "end_unix_ms = $15, next_attempt_unix_ms = $16, connected_unix_ms = $17, "
        "disconnected_unix_ms = $18, last_result = $19, result_pending = $20, events = $21, "
        "session_ids = $22 WHERE id = $23",
        params);
    if (!r) return r.error();
    return r->affected() > 0;
  }

  Result<int> cancel_pending(const std::string& deployment, std::int64_t now) override {
    return finish_queued(
        " WHERE deployment = $1 AND status = 'queued' ORDER BY id COLLATE \"C\" FOR UPDATE",
        {deployment}, OutboundStatus::kCanceled, "canceled", now);
  }

  Result<std::vector<OutboundCall>> results_due(int limit) override {
    return select(" WHERE result_pending ORDER BY disconnected_unix_ms, id COLLATE \"C\" LIMIT $1",
                  {limit});
  }

 private:
  Result<std::vector<OutboundCall>> select(const std::string& where,
                                           const std::vector<PgParam>& params) {
    auto r = db_->query(std::string("SELECT ") + kOutboundColumns + " FROM outbound_calls" + where,
                        params);
    if (!r) return r.error();
    std::vector<OutboundCall> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(read_outbound_call(*r, i));
    return out;
  }

  // Moves the queued calls `where` selects to a final status, with an event named `why`.
  Result<int> finish_queued(const std::string& where, const std::vector<PgParam>& params,
                            OutboundStatus status, const std::string& why, std::int64_t now) {
    int count = 0;
    auto st = db_->transaction([&]() -> Status {
      auto rows = select(where, params);
      if (!rows) return rows.error();
      for (auto& c : *rows) {
        c.status = status;
        c.last_result = why;
        c.events.push_back({why, now});
        c.result_pending = !c.result_url.empty();
        if (c.secure) c.parameters = "{}";
        auto updated = update(c);
        if (!updated) return updated.error();
        ++count;
      }
      return Ok{};
    });
    if (!st) return st.error();
    return count;
  }

  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<OutboundRepository> make_pg_outbound(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgOutbound>(std::move(db));
}

}  // namespace keyline::store
