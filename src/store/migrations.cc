#include "store/migrations.h"

#include <array>
#include <string>

namespace keyline::store {
namespace {

// Each entry moves the schema from version i to i+1. Never edit a shipped
// entry: add a new one. Version 1 uses IF NOT EXISTS because databases from
// before migrations existed already hold those call-log tables.
constexpr std::array<const char*, 9> kMigrations = {
    R"sql(
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
)sql",
    R"sql(
CREATE TABLE apps (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  folder TEXT NOT NULL DEFAULT '',
  created_unix_ms INTEGER NOT NULL,
  updated_unix_ms INTEGER NOT NULL,
  latest_revision INTEGER NOT NULL
);
CREATE TABLE app_revisions (
  app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  document TEXT NOT NULL,
  author TEXT NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  PRIMARY KEY (app, revision)
);
CREATE TABLE deployments (
  label TEXT PRIMARY KEY,
  app TEXT NOT NULL REFERENCES apps(name),
  revision INTEGER NOT NULL,
  numbers TEXT NOT NULL,
  secure INTEGER NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  updated_unix_ms INTEGER NOT NULL
);
CREATE TABLE deployment_variables (
  label TEXT NOT NULL REFERENCES deployments(label) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (label, name)
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_unix_ms INTEGER NOT NULL
);
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash BLOB NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at_unix_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX call_logs_end ON call_logs(end_unix_ms);
CREATE INDEX call_logs_app_start ON call_logs(app, start_unix_ms);
)sql",
    R"sql(
CREATE TABLE call_media (
  call_id TEXT PRIMARY KEY REFERENCES call_logs(call_id) ON DELETE CASCADE,
  codec TEXT NOT NULL,
  srtp INTEGER NOT NULL,
  in_packets INTEGER NOT NULL,
  in_lost INTEGER NOT NULL,
  in_jitter_us INTEGER NOT NULL,
  in_mos_x100 INTEGER NOT NULL,
  out_reported INTEGER NOT NULL,
  out_packets INTEGER NOT NULL,
  out_lost INTEGER NOT NULL,
  out_jitter_us INTEGER NOT NULL,
  out_mos_x100 INTEGER NOT NULL,
  rtt_us INTEGER
);
)sql",
    // admin: SIP trunks (a deployment may name one) and the deployment a call ran under, for
    // reports per deployment.
    R"sql(
CREATE TABLE trunks (
  name TEXT PRIMARY KEY,
  allow TEXT NOT NULL,
  transport TEXT NOT NULL,
  digest_username TEXT NOT NULL,
  digest_password_ref TEXT NOT NULL,
  max_calls INTEGER NOT NULL,
  srtp TEXT NOT NULL,
  dtmf TEXT NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  updated_unix_ms INTEGER NOT NULL
);
ALTER TABLE deployments ADD COLUMN trunk TEXT REFERENCES trunks(name);
ALTER TABLE call_logs ADD COLUMN deployment TEXT NOT NULL DEFAULT '';
CREATE INDEX call_logs_deployment_start ON call_logs(deployment, start_unix_ms);
)sql",
    // Outbound calls (outbound_repository.h) and the call direction in call logs.
    R"sql(
CREATE TABLE outbound_calls (
  id TEXT PRIMARY KEY,
  deployment TEXT NOT NULL,
  owner TEXT NOT NULL,
  phone_number TEXT NOT NULL,
  ani TEXT NOT NULL,
  postd TEXT NOT NULL,
  parameters TEXT NOT NULL,
  secure INTEGER NOT NULL,
  result_url TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  reattempt_wait_s INTEGER NOT NULL,
  queued_unix_ms INTEGER NOT NULL,
  start_unix_ms INTEGER NOT NULL,
  end_unix_ms INTEGER NOT NULL,
  next_attempt_unix_ms INTEGER NOT NULL,
  connected_unix_ms INTEGER NOT NULL,
  disconnected_unix_ms INTEGER NOT NULL,
  last_result TEXT NOT NULL,
  result_pending INTEGER NOT NULL,
  events TEXT NOT NULL,
  session_ids TEXT NOT NULL
);
CREATE INDEX outbound_calls_due ON outbound_calls(status, next_attempt_unix_ms);
CREATE INDEX outbound_calls_deployment ON outbound_calls(deployment, queued_unix_ms);
ALTER TABLE call_logs ADD COLUMN direction TEXT NOT NULL DEFAULT 'inbound';
)sql",
    // Post-call web service (issue 7): requests not delivered yet, one per call.
    R"sql(
CREATE TABLE post_call_queue (
  id INTEGER PRIMARY KEY,
  call_id TEXT NOT NULL UNIQUE,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  next_attempt_unix_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  auth TEXT NOT NULL,
  body_file TEXT NOT NULL
);
CREATE INDEX post_call_queue_due ON post_call_queue(next_attempt_unix_ms);
)sql",
    // storage (issue 9): teams, sharing of apps and deployments with users or
    // teams, a deployment's owner, and recorded prompt audio for stored apps.
    R"sql(
CREATE TABLE teams (
  name TEXT PRIMARY KEY,
  created_by TEXT NOT NULL,
  created_unix_ms INTEGER NOT NULL
);
CREATE TABLE team_members (
  team TEXT NOT NULL REFERENCES teams(name) ON DELETE CASCADE,
  email TEXT NOT NULL,
  PRIMARY KEY (team, email)
);
CREATE INDEX team_members_email ON team_members(email);
CREATE TABLE shares (
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  grantee_kind TEXT NOT NULL,
  grantee TEXT NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  PRIMARY KEY (kind, target, grantee_kind, grantee)
);
CREATE INDEX shares_grantee ON shares(grantee_kind, grantee);
ALTER TABLE deployments ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE TABLE app_prompts (
  app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
  file TEXT NOT NULL,
  audio BLOB NOT NULL,
  updated_unix_ms INTEGER NOT NULL,
  PRIMARY KEY (app, file)
);
)sql",
    // Recordings metadata (issue 9; recording branch): one row per finished whole-call
    // recording file, updated by the uploader; the audio stays a file.
    R"sql(
CREATE TABLE recordings (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  deployment TEXT NOT NULL,
  app TEXT NOT NULL,
  path TEXT NOT NULL,
  channels TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  upload_state TEXT NOT NULL,
  uploaded_url TEXT NOT NULL,
  deleted INTEGER NOT NULL
);
CREATE INDEX recordings_created ON recordings(created_unix_ms);
CREATE INDEX recordings_session ON recordings(session_id);
CREATE INDEX recordings_path ON recordings(path);
)sql",
    // SIP (issue 3): a stored trunk's REGISTER settings (store/trunks.h); an empty registrar
    // means the trunk does not register.
    R"sql(
ALTER TABLE trunks ADD COLUMN register_registrar TEXT NOT NULL DEFAULT '';
ALTER TABLE trunks ADD COLUMN register_aor TEXT NOT NULL DEFAULT '';
ALTER TABLE trunks ADD COLUMN register_contact_user TEXT NOT NULL DEFAULT '';
ALTER TABLE trunks ADD COLUMN register_username TEXT NOT NULL DEFAULT '';
ALTER TABLE trunks ADD COLUMN register_password_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE trunks ADD COLUMN register_expires_s INTEGER NOT NULL DEFAULT 3600;
)sql",
};

Result<int> user_version(Database& db) {
  auto s = db.prepare("PRAGMA user_version");
  if (!s) return s.error();
  auto row = s->step();
  if (!row) return row.error();
  return *row ? static_cast<int>(s->integer(0)) : 0;
}

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

Status migrate(Database& db) {
  auto guard = db.lock();
  auto version = user_version(db);
  if (!version) return version.error();
  if (*version > latest_schema_version())
    return make_error("store", db.path() + ": database schema version " + std::to_string(*version) +
                                   " is newer than this keyline (" +
                                   std::to_string(latest_schema_version()) +
                                   "); upgrade keyline or restore a backup");
  for (int v = *version; v < latest_schema_version(); ++v) {
    auto st = db.transaction([&]() -> Status {
      if (auto e = db.exec(kMigrations[static_cast<std::size_t>(v)]); !e) return e;
      return db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    });
    if (!st)
      return make_error("store", db.path() + ": migration to schema version " +
                                     std::to_string(v + 1) + " failed: " + st.error().message);
  }
  return Ok{};
}

Result<std::unique_ptr<Database>> open_and_migrate(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return db.error();
  if (auto st = migrate(**db); !st) return st.error();
  return db;
}

}  // namespace keyline::store
