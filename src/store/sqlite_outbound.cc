// The outbound queue on SQLite. Claims run in one IMMEDIATE transaction, so two dialers sharing
// the file (never the case today: one server per file) could not take the same call.
#include "store/lines.h"
#include "store/outbound_repository.h"
#include "store/sqlite_repositories.h"

#include <variant>

namespace keyline::store {
namespace {

constexpr const char* kOutboundColumns =
    "id, deployment, owner, phone_number, ani, postd, parameters, secure, result_url, status, "
    "attempts, max_attempts, reattempt_wait_s, queued_unix_ms, start_unix_ms, end_unix_ms, "
    "next_attempt_unix_ms, connected_unix_ms, disconnected_unix_ms, last_result, "
    "result_pending, events, session_ids";

OutboundCall read_outbound_call(const Statement& s) {
  OutboundCall c;
  c.id = s.text(0);
  c.deployment = s.text(1);
  c.owner = s.text(2);
  c.phone_number = s.text(3);
  c.ani = s.text(4);
  c.postd = s.text(5);
  c.parameters = s.text(6);
  c.secure = s.integer(7) != 0;
  c.result_url = s.text(8);
  c.status = parse_outbound_status(s.text(9)).value_or(OutboundStatus::kFailed);
  c.attempts = static_cast<int>(s.integer(10));
  c.max_attempts = static_cast<int>(s.integer(11));
  c.reattempt_wait_s = static_cast<int>(s.integer(12));
  c.queued_unix_ms = s.integer(13);
  c.start_unix_ms = s.integer(14);
  c.end_unix_ms = s.integer(15);
  c.next_attempt_unix_ms = s.integer(16);
  c.connected_unix_ms = s.integer(17);
  c.disconnected_unix_ms = s.integer(18);
  c.last_result = s.text(19);
  c.result_pending = s.integer(20) != 0;
  c.events = decode_outbound_events(s.text(21));
  c.session_ids = split_lines(s.text(22));
  return c;
}

// Binds every column but the id, from index `first`, in kOutboundColumns order.
void bind_fields(Statement& s, const OutboundCall& c, int first) {
  int i = first;
  s.bind(i++, c.deployment);
  s.bind(i++, c.owner);
  s.bind(i++, c.phone_number);
  s.bind(i++, c.ani);
  s.bind(i++, c.postd);
  s.bind(i++, c.parameters);
  s.bind(i++, static_cast<std::int64_t>(c.secure));
  s.bind(i++, c.result_url);
  s.bind(i++, outbound_status_name(c.status));
  s.bind(i++, static_cast<std::int64_t>(c.attempts));
  s.bind(i++, static_cast<std::int64_t>(c.max_attempts));
  s.bind(i++, static_cast<std::int64_t>(c.reattempt_wait_s));
  s.bind(i++, c.queued_unix_ms);
  s.bind(i++, c.start_unix_ms);
  s.bind(i++, c.end_unix_ms);
  s.bind(i++, c.next_attempt_unix_ms);
  s.bind(i++, c.connected_unix_ms);
  s.bind(i++, c.disconnected_unix_ms);
  s.bind(i++, c.last_result);
  s.bind(i++, static_cast<std::int64_t>(c.result_pending));
  s.bind(i++, encode_outbound_events(c.events));
  s.bind(i++, join_lines(c.session_ids));
}

class SqliteOutbound final : public OutboundRepository {
 public:
  explicit SqliteOutbound(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status add(const std::vector<OutboundCall>& calls) override {
    return db_->transaction([&]() -> Status {
      auto s = db_->prepare(std::string("INSERT INTO outbound_calls (") + kOutboundColumns +
                            ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      if (!s) return s.error();
      for (const auto& c : calls) {
        s->reset();
        s->bind(1, c.id);
        bind_fields(*s, c, 2);
        if (auto st = s->run(); !st) return st;
      }
      return Ok{};
    });
  }

  Result<std::optional<OutboundCall>> get(const std::string& id) override {
    auto rows = select(" WHERE id = ?", {id}, 1);
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<OutboundCall>{};
    return std::optional<OutboundCall>{std::move(rows->front())};
  }

  Result<std::vector<OutboundCall>> list(const std::string& deployment, int limit) override {
    return select(" WHERE deployment = ? ORDER BY queued_unix_ms DESC, id", {deployment}, limit);
  }

  Result<std::vector<OutboundCall>> claim_due(std::int64_t now, int limit) override {
    // The connection's lock is held from the read to the writes: no other thread of this
    // process sees the calls in between. The write transaction opens only when there is
    // something to write (most polls find nothing).
    auto guard = db_->lock();
    auto due = select(
        " WHERE status = 'queued' AND next_attempt_unix_ms <= ?1 AND start_unix_ms <= ?1 AND "
        "(end_unix_ms = 0 OR end_unix_ms > ?1) ORDER BY next_attempt_unix_ms, queued_unix_ms",
        {now}, limit);
    if (!due) return due.error();
    for (auto& c : *due) {
      c.status = OutboundStatus::kDialing;
      c.attempts += 1;
      c.events.push_back({"dialing", now});
    }
    if (auto st = write_all(*due); !st) return st.error();
    return due;
  }

  Result<int> expire(std::int64_t now) override {
    return finish_queued(
        " WHERE status = 'queued' AND end_unix_ms > 0 AND end_unix_ms <= ?1 ORDER BY id LIMIT 1000",
        {now}, OutboundStatus::kFailed, "expired", now);
  }

  Result<bool> update(const OutboundCall& c) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "UPDATE outbound_calls SET deployment = ?, owner = ?, phone_number = ?, ani = ?, "
        "postd = ?, parameters = ?, secure = ?, result_url = ?, status = ?, attempts = ?, "
        "max_attempts = ?, reattempt_wait_s = ?, queued_unix_ms = ?, start_unix_ms = ?, "
        "end_unix_ms = ?, next_attempt_unix_ms = ?, connected_unix_ms = ?, "
        "disconnected_unix_ms = ?, last_result = ?, result_pending = ?, events = ?, "
        "session_ids = ? WHERE id = ?");
    if (!s) return s.error();
    bind_fields(*s, c, 1);
    s->bind(23, c.id);
    if (auto st = s->run(); !st) return st.error();
    return db_->changes() > 0;
  }

  Result<int> cancel_pending(const std::string& deployment, std::int64_t now) override {
    return finish_queued(" WHERE deployment = ?1 AND status = 'queued' ORDER BY id", {deployment},
                         OutboundStatus::kCanceled, "canceled", now);
  }

  Result<std::vector<OutboundCall>> results_due(int limit) override {
    return select(" WHERE result_pending = 1 ORDER BY disconnected_unix_ms, id", {}, limit);
  }

 private:
  using Param = std::variant<std::string, std::int64_t>;

  Result<std::vector<OutboundCall>> select(const std::string& where,
                                           const std::vector<Param>& params, int limit) {
    auto guard = db_->lock();
    std::string sql = std::string("SELECT ") + kOutboundColumns + " FROM outbound_calls" + where;
    if (limit >= 0) sql += " LIMIT " + std::to_string(limit);
    auto s = db_->prepare(sql);
    if (!s) return s.error();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* text = std::get_if<std::string>(&params[i]))
        s->bind(index, *text);
      else
        s->bind(index, std::get<std::int64_t>(params[i]));
    }
    return all_rows<OutboundCall>(*s, read_outbound_call);
  }

  // Every call in one transaction (none when the list is empty).
  Status write_all(const std::vector<OutboundCall>& calls) {
    if (calls.empty()) return Ok{};
    return db_->transaction([&]() -> Status {
      for (const auto& c : calls) {
        auto updated = update(c);
        if (!updated) return updated.error();
      }
      return Ok{};
    });
  }

  // Moves the queued calls `where` selects to a final status, with an event named `why`.
  Result<int> finish_queued(const std::string& where, const std::vector<Param>& params,
                            OutboundStatus status, const std::string& why, std::int64_t now) {
    auto guard = db_->lock();
    auto rows = select(where, params, -1);
    if (!rows) return rows.error();
    for (auto& c : *rows) {
      c.status = status;
      c.last_result = why;
      c.events.push_back({why, now});
      c.result_pending = !c.result_url.empty();
      if (c.secure) c.parameters = "{}";
    }
    if (auto st = write_all(*rows); !st) return st.error();
    return static_cast<int>(rows->size());
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<OutboundRepository> make_sqlite_outbound(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteOutbound>(std::move(db));
}

}  // namespace keyline::store
