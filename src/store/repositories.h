// What Keyline keeps besides call logs, as plain records and the repository
// interfaces the API sees. SQLite (sqlite_repositories.h) and PostgreSQL
// (pg_repositories.h) implement them; backend.h picks one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace keyline::store {

struct AppRecord {
  std::string name;
  std::string owner;
  std::string folder;
  std::int64_t created_unix_ms = 0;
  std::int64_t updated_unix_ms = 0;
  int latest_revision = 0;
};

struct AppRevision {
  std::string app;
  int revision = 0;
  std::string document;  // the app JSON exactly as submitted (already validated)
  std::string author;
  std::int64_t created_unix_ms = 0;
};

struct DeploymentRecord {
  std::string label;
  std::string app;
  int revision = 0;                              // 0: follow the latest revision
  std::vector<std::string> numbers;              // exact numbers or patterns ("*", "44*")
  std::map<std::string, std::string> variables;  // override the app's values
  bool secure = false;
  std::int64_t created_unix_ms = 0;
  std::int64_t updated_unix_ms = 0;
  std::string trunk;  // the trunk its calls arrive on (store/trunks.h); empty: any
  // Who created it (issue 9: sharing). Set by create; update never changes it.
  // Empty for deployments made before owners existed: only admins see those.
  std::string owner;
};

enum class Role { kAdmin, kDeveloper, kViewer };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct UserRecord {
  std::int64_t id = 0;
  std::string email;
  Role role = Role::kViewer;
  std::int64_t created_unix_ms = 0;
};

// An API key as stored: its public id and a keyed hash of its secret, never the secret.
struct ApiKeyRecord {
  std::string key_id;
  std::int64_t user_id = 0;
  std::string hash;  // hex of the keyed hash
  bool revoked = false;
};

// An API key as listed (issue 9: revocation): never its hash.
struct ApiKeyInfo {
  std::string key_id;
  std::int64_t user_id = 0;
  std::string email;  // the owner's
  std::int64_t created_unix_ms = 0;
  bool revoked = false;
};

// A recorded prompt file of an API-stored app (issue 9): the bytes live in the
// database (app_prompts), so every node sharing it plays the same audio.
struct AppPromptInfo {
  std::string file;  // a plain file name ("welcome.wav")
  std::int64_t bytes = 0;
  std::int64_t updated_unix_ms = 0;
};

struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t at_unix_ms = 0;
  std::string actor;   // the user's email
  std::string action;  // "app.create", "deployment.delete", ...
  std::string target;
  std::string detail;  // never a secret or a private value
};

class AppRepository {
 public:
  virtual ~AppRepository() = default;
  virtual Result<std::vector<AppRecord>> list() = 0;
  virtual Result<std::optional<AppRecord>> get(const std::string& name) = 0;
  // Creates the app when new; adds revision latest+1. Returns the new revision.
  virtual Result<int> save_revision(const std::string& name, const std::string& document,
                                    const std::string& author, std::int64_t now_unix_ms) = 0;
  virtual Result<std::vector<AppRevision>> revisions(const std::string& name) = 0;
  virtual Result<std::optional<AppRevision>> revision(const std::string& name, int revision) = 0;
  // False when no such app. Fails while a deployment uses it.
  virtual Result<bool> remove(const std::string& name) = 0;
  // Import: writes `app` and exactly these revisions, keeping their numbers,
  // authors and times. Fails (kind "conflict") when the app already exists.
  virtual Status restore(const AppRecord& app, const std::vector<AppRevision>& revisions) = 0;

  // ---- Recorded prompt audio of stored apps (issue 9; app_prompts) ----
  // Sorted by file name. Deleting the app deletes its prompts (ON DELETE CASCADE).
  virtual Result<std::vector<AppPromptInfo>> prompt_files(const std::string& app) = 0;
  // The file's bytes; nullopt when the app has no such file.
  virtual Result<std::optional<std::string>> prompt_audio(const std::string& app,
                                                          const std::string& file) = 0;
  // Writes or replaces one file of an existing app; true when it is new.
  virtual Result<bool> put_prompt(const std::string& app, const std::string& file,
                                  const std::string& audio, std::int64_t now_unix_ms) = 0;
  // False when there was no such file.
  virtual Result<bool> remove_prompt(const std::string& app, const std::string& file) = 0;
};

class DeploymentRepository {
 public:
  virtual ~DeploymentRepository() = default;
  virtual Result<std::vector<DeploymentRecord>> list() = 0;
  virtual Result<std::optional<DeploymentRecord>> get(const std::string& label) = 0;
  virtual Status create(const DeploymentRecord& d) = 0;        // fails when the label exists
  virtual Result<bool> update(const DeploymentRecord& d) = 0;  // false when absent
  virtual Result<bool> remove(const std::string& label) = 0;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual Result<std::optional<UserRecord>> find_by_email(const std::string& email) = 0;
  virtual Result<std::optional<UserRecord>> find_by_id(std::int64_t id) = 0;
  // Returns the user's id; an existing user keeps its id and takes the new role.
  virtual Result<std::int64_t> upsert(const std::string& email, Role role,
                                      std::int64_t now_unix_ms) = 0;
  virtual Status add_key(const ApiKeyRecord& key, std::int64_t now_unix_ms) = 0;
  virtual Result<std::optional<ApiKeyRecord>> find_key(const std::string& key_id) = 0;
  // Whether any user has `role` (the first start creates an admin when none does).
  virtual Result<bool> has_role(Role role) = 0;
  // ---- Key revocation (issue 9; storage branch) ----
  // Every key, oldest first; only `user_id`'s when it is not 0.
  virtual Result<std::vector<ApiKeyInfo>> list_keys(std::int64_t user_id) = 0;
  // Marks the key revoked (the authenticator refuses it from the next request on). False when
  // there is no such key; revoking a revoked key is not an error.
  virtual Result<bool> revoke_key(const std::string& key_id) = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual Status append(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> recent(int limit) = 0;
};

}  // namespace keyline::store
