#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

// COLLATE "C": byte order, as SQLite sorts, whatever locale the cluster has.
constexpr const char* kSelectApps =
    "SELECT name, owner, folder, created_unix_ms, updated_unix_ms, latest_revision FROM apps";

AppRecord read_app(const PgResult& r, int row) {
  return AppRecord{r.text(row, 0),    r.text(row, 1),    r.text(row, 2),
                   r.integer(row, 3), r.integer(row, 4), static_cast<int>(r.integer(row, 5))};
}

AppRevision read_revision(const PgResult& r, int row) {
  return AppRevision{r.text(row, 0), static_cast<int>(r.integer(row, 1)), r.text(row, 2),
                     r.text(row, 3), r.integer(row, 4)};
}

// BYTEA travels as hex text: every parameter and result here is in text format.
std::string to_hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string from_hex(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  return out;
}

class PgApps final : public AppRepository {
 public:
  explicit PgApps(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::vector<AppRecord>> list() override {
    auto r = db_->query(std::string(kSelectApps) + " ORDER BY name COLLATE \"C\"");
    if (!r) return r.error();
    std::vector<AppRecord> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(read_app(*r, i));
    return out;
  }

  Result<std::optional<AppRecord>> get(const std::string& name) override {
    auto r = db_->query(std::string(kSelectApps) + " WHERE name = $1", {name});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<AppRecord>{};
    return std::optional<AppRecord>{read_app(*r, 0)};
  }

  Result<int> save_revision(const std::string& name, const std::string& document,
                            const std::string& author, std::int64_t now) override {
    int revision = 0;
    auto st = db_->transaction([&]() -> Status {
      auto up = db_->query(
          "INSERT INTO apps (name, owner, created_unix_ms, updated_unix_ms, latest_revision) "
          "VALUES ($1, $2, $3, $3, 1) ON CONFLICT (name) DO UPDATE SET "
          "updated_unix_ms = EXCLUDED.updated_unix_ms, "
          "latest_revision = apps.latest_revision + 1 RETURNING latest_revision",
          {name, author, now});
      if (!up) return up.error();
      revision = static_cast<int>(up->integer(0, 0));
      return db_->exec(
          "INSERT INTO app_revisions (app, revision, document, author, created_unix_ms) "
          "VALUES ($1, $2, $3, $4, $5)",
          {name, revision, document, author, now});
    });
    if (!st) return st.error();
    return revision;
  }

  Result<std::vector<AppRevision>> revisions(const std::string& name) override {
    auto r = db_->query(
        "SELECT app, revision, '', author, created_unix_ms FROM app_revisions WHERE app = $1 "
        "ORDER BY revision DESC",
        {name});
    if (!r) return r.error();
    std::vector<AppRevision> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(read_revision(*r, i));
    return out;
  }

  Result<std::optional<AppRevision>> revision(const std::string& name, int revision) override {
    auto r = db_->query(
        "SELECT app, revision, document, author, created_unix_ms FROM app_revisions "
        "WHERE app = $1 AND revision = $2",
        {name, revision});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<AppRevision>{};
    return std::optional<AppRevision>{read_revision(*r, 0)};
  }

  Result<bool> remove(const std::string& name) override {
    bool removed = false;
    auto st = db_->transaction([&]() -> Status {
      auto used = db_->query("SELECT label FROM deployments WHERE app = $1 LIMIT 1", {name});
      if (!used) return used.error();
      if (used->rows() > 0)
        return make_error("conflict",
                          "app '" + name + "' is used by deployment '" + used->text(0, 0) + "'");
      auto del = db_->query("DELETE FROM apps WHERE name = $1", {name});
      if (!del) return del.error();
      removed = del->affected() > 0;
      return Ok{};
    });
    if (!st) return st.error();
    return removed;
  }

  Status restore(const AppRecord& app, const std::vector<AppRevision>& revisions) override {
    return db_->transaction([&]() -> Status {
      auto st = db_->exec(
          "INSERT INTO apps (name, owner, folder, created_unix_ms, updated_unix_ms, "
          "latest_revision) VALUES ($1, $2, $3, $4, $5, $6)",
          {app.name, app.owner, app.folder, app.created_unix_ms, app.updated_unix_ms,
           app.latest_revision});
      if (!st && st.error().kind == "constraint")
        return make_error("conflict", "app '" + app.name + "' already exists");
      if (!st) return st;
      for (const auto& r : revisions) {
        if (auto e = db_->exec(
                "INSERT INTO app_revisions (app, revision, document, author, created_unix_ms) "
                "VALUES ($1, $2, $3, $4, $5)",
                {app.name, r.revision, r.document, r.author, r.created_unix_ms});
            !e)
          return e;
      }
      return Ok{};
    });
  }

  Result<std::vector<AppPromptInfo>> prompt_files(const std::string& app) override {
    auto r = db_->query(
        "SELECT file, octet_length(audio), updated_unix_ms FROM app_prompts WHERE app = $1 "
        "ORDER BY file COLLATE \"C\"",
        {app});
    if (!r) return r.error();
    std::vector<AppPromptInfo> out;
    for (int i = 0; i < r->rows(); ++i)
      out.push_back({r->text(i, 0), r->integer(i, 1), r->integer(i, 2)});
    return out;
  }

  Result<std::optional<std::string>> prompt_audio(const std::string& app,
                                                  const std::string& file) override {
    auto r = db_->query("SELECT encode(audio, 'hex') FROM app_prompts WHERE app = $1 AND file = $2",
                        {app, file});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<std::string>{};
    return std::optional<std::string>{from_hex(r->text(0, 0))};
  }

  Result<bool> put_prompt(const std::string& app, const std::string& file, const std::string& audio,
                          std::int64_t now) override {
    // xmax = 0 only on a freshly inserted row: tells a create from a replace in one statement.
    auto r = db_->query(
        "INSERT INTO app_prompts (app, file, audio, updated_unix_ms) "
        "VALUES ($1, $2, decode($3, 'hex'), $4) ON CONFLICT (app, file) DO UPDATE SET "
        "audio = EXCLUDED.audio, updated_unix_ms = EXCLUDED.updated_unix_ms "
        "RETURNING (xmax = 0)",
        {app, file, to_hex(audio), now});
    if (!r) return r.error();
    return r->rows() > 0 && r->boolean(0, 0);
  }

  Result<bool> remove_prompt(const std::string& app, const std::string& file) override {
    auto r = db_->query("DELETE FROM app_prompts WHERE app = $1 AND file = $2", {app, file});
    if (!r) return r.error();
    return r->affected() > 0;
  }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<AppRepository> make_pg_apps(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgApps>(std::move(db));
}

}  // namespace keyline::store
