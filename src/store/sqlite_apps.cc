#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

class SqliteApps final : public AppRepository {
 public:
  explicit SqliteApps(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::vector<AppRecord>> list() override {
    auto conn = db_->read();
    auto s = conn->prepare(std::string(kSelect) + " ORDER BY name");
    if (!s) return s.error();
    return all_rows<AppRecord>(*s, read);
  }

  Result<std::optional<AppRecord>> get(const std::string& name) override {
    auto conn = db_->read();
    auto s = conn->prepare(std::string(kSelect) + " WHERE name = ?");
    if (!s) return s.error();
    s->bind(1, name);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<AppRecord>{};
    return std::optional<AppRecord>{read(*s)};
  }

  Result<int> save_revision(const std::string& name, const std::string& document,
                            const std::string& author, std::int64_t now) override {
    int revision = 0;
    auto st = db_->transaction([&]() -> Status {
      auto up = db_->prepare(
          "INSERT INTO apps (name, owner, created_unix_ms, updated_unix_ms, latest_revision) "
          "VALUES (?1, ?2, ?3, ?3, 1) ON CONFLICT(name) DO UPDATE SET "
          "updated_unix_ms = ?3, latest_revision = latest_revision + 1 "
          "RETURNING latest_revision");
      if (!up) return up.error();
      up->bind(1, name);
      up->bind(2, author);
      up->bind(3, now);
      auto row = up->step();
      if (!row) return row.error();
      revision = static_cast<int>(up->integer(0));
      (void)up->step();  // finish the RETURNING statement
      auto ins = db_->prepare(
          "INSERT INTO app_revisions (app, revision, document, author, created_unix_ms) "
          "VALUES (?,?,?,?,?)");
      if (!ins) return ins.error();
      ins->bind(1, name);
      ins->bind(2, static_cast<std::int64_t>(revision));
      ins->bind(3, document);
      ins->bind(4, author);
      ins->bind(5, now);
      return ins->run();
    });
    if (!st) return st.error();
    return revision;
  }

  Result<std::vector<AppRevision>> revisions(const std::string& name) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "SELECT app, revision, '', author, created_unix_ms FROM app_revisions WHERE app = ? "
        "ORDER BY revision DESC");
    if (!s) return s.error();
    s->bind(1, name);
    return all_rows<AppRevision>(*s, read_revision);
  }

  Result<std::optional<AppRevision>> revision(const std::string& name, int revision) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "SELECT app, revision, document, author, created_unix_ms FROM app_revisions "
        "WHERE app = ? AND revision = ?");
    if (!s) return s.error();
    s->bind(1, name);
    s->bind(2, static_cast<std::int64_t>(revision));
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<AppRevision>{};
    return std::optional<AppRevision>{read_revision(*s)};
  }

  Result<bool> remove(const std::string& name) override {
    bool removed = false;
    auto st = db_->transaction([&]() -> Status {
      auto used = db_->prepare("SELECT label FROM deployments WHERE app = ? LIMIT 1");
      if (!used) return used.error();
      used->bind(1, name);
      auto row = used->step();
      if (!row) return row.error();
      if (*row)
        return make_error("conflict",
                          "app '" + name + "' is used by deployment '" + used->text(0) + "'");
      auto del = db_->prepare("DELETE FROM apps WHERE name = ?");
      if (!del) return del.error();
      del->bind(1, name);
      if (auto r = del->run(); !r) return r;
      removed = db_->changes() > 0;
      return Ok{};
    });
    if (!st) return st.error();
    return removed;
  }

  Status restore(const AppRecord& app, const std::vector<AppRevision>& revisions) override {
    return db_->transaction([&]() -> Status {
      auto exists = db_->prepare("SELECT 1 FROM apps WHERE name = ?");
      if (!exists) return exists.error();
      exists->bind(1, app.name);
      auto row = exists->step();
      if (!row) return row.error();
      if (*row) return make_error("conflict", "app '" + app.name + "' already exists");
      auto a = db_->prepare(
          "INSERT INTO apps (name, owner, folder, created_unix_ms, updated_unix_ms, "
          "latest_revision) VALUES (?,?,?,?,?,?)");
      if (!a) return a.error();
      a->bind(1, app.name);
      a->bind(2, app.owner);
      a->bind(3, app.folder);
      a->bind(4, app.created_unix_ms);
      a->bind(5, app.updated_unix_ms);
      a->bind(6, static_cast<std::int64_t>(app.latest_revision));
      if (auto st = a->run(); !st) return st;
      auto ins = db_->prepare(
          "INSERT INTO app_revisions (app, revision, document, author, created_unix_ms) "
          "VALUES (?,?,?,?,?)");
      if (!ins) return ins.error();
      for (const auto& r : revisions) {
        ins->reset();
        ins->bind(1, app.name);
        ins->bind(2, static_cast<std::int64_t>(r.revision));
        ins->bind(3, r.document);
        ins->bind(4, r.author);
        ins->bind(5, r.created_unix_ms);
        if (auto st = ins->run(); !st) return st;
      }
      return Ok{};
    });
  }

  Result<std::vector<AppPromptInfo>> prompt_files(const std::string& app) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "SELECT file, length(audio), updated_unix_ms FROM app_prompts WHERE app = ? ORDER BY file");
    if (!s) return s.error();
    s->bind(1, app);
    return all_rows<AppPromptInfo>(*s, [](const Statement& row) {
      return AppPromptInfo{row.text(0), row.integer(1), row.integer(2)};
    });
  }

  Result<std::optional<std::string>> prompt_audio(const std::string& app,
                                                  const std::string& file) override {
    auto guard = db_->lock();
    auto s = db_->prepare("SELECT audio FROM app_prompts WHERE app = ? AND file = ?");
    if (!s) return s.error();
    s->bind(1, app);
    s->bind(2, file);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>{s->blob(0)};
  }

  Result<bool> put_prompt(const std::string& app, const std::string& file, const std::string& audio,
                          std::int64_t now) override {
    bool created = false;
    auto st = db_->transaction([&]() -> Status {
      auto had = db_->prepare("SELECT 1 FROM app_prompts WHERE app = ? AND file = ?");
      if (!had) return had.error();
      had->bind(1, app);
      had->bind(2, file);
      auto row = had->step();
      if (!row) return row.error();
      created = !*row;
      auto up = db_->prepare(
          "INSERT INTO app_prompts (app, file, audio, updated_unix_ms) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT(app, file) DO UPDATE SET audio = ?3, updated_unix_ms = ?4");
      if (!up) return up.error();
      up->bind(1, app);
      up->bind(2, file);
      up->bind_blob(3, audio);
      up->bind(4, now);
      return up->run();
    });
    if (!st) return st.error();
    return created;
  }

  Result<bool> remove_prompt(const std::string& app, const std::string& file) override {
    auto guard = db_->lock();
    auto s = db_->prepare("DELETE FROM app_prompts WHERE app = ? AND file = ?");
    if (!s) return s.error();
    s->bind(1, app);
    s->bind(2, file);
    if (auto r = s->run(); !r) return r.error();
    return db_->changes() > 0;
  }

 private:
  static constexpr const char* kSelect =
      "SELECT name, owner, folder, created_unix_ms, updated_unix_ms, latest_revision FROM apps";

  static AppRecord read(const Statement& s) {
    return AppRecord{s.text(0),    s.text(1),    s.text(2),
                     s.integer(3), s.integer(4), static_cast<int>(s.integer(5))};
  }
  static AppRevision read_revision(const Statement& s) {
    return AppRevision{s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.text(3),
                       s.integer(4)};
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<AppRepository> make_sqlite_apps(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteApps>(std::move(db));
}

}  // namespace keyline::store
