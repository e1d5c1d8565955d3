#include "server/secret_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace keyline::server {

std::vector<SecretFile> secret_files(const Config& config) {
  std::vector<SecretFile> out;
  const auto& auth = config.sip.auth;
  // The embedded defaults have no file (and no secret).
  if (auth.literal_passwords && config.source != Config{}.source)
    out.push_back({config.source, "sip.auth passwords"});
  for (const auto& path : auth.password_files) out.push_back({path, "a sip.auth password"});
  for (const auto& r : config.sip.registrations)
    if (r.password_ref.rfind("file:", 0) == 0)
      out.push_back({r.password_ref.substr(5), "a sip.register password"});
  if (config.sip.tls.enabled && !config.sip.tls.key.empty())
    out.push_back({config.sip.tls.key, "the sip.tls private key"});
  if (!config.api.tls_key.empty())
    out.push_back({config.api.tls_key, "the api.tls_key private key"});
  if (!config.http.client.client_key.empty())
    out.push_back({config.http.client.client_key, "the http client private key"});
  for (const auto& path : config.messaging.secret_files)
    out.push_back({path, "an email or sms credential"});
  if (!config.database.password_file.empty())
    out.push_back({config.database.password_file, "the database password"});
  if (config.database.url_has_password && config.source != Config{}.source)
    out.push_back({config.source, "the database.url password"});
  return out;
}

Result<bool> readable_by_others(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_error("io", path + ": " + std::strerror(errno));
  if (!(st.st_mode & S_IROTH)) return false;
  // Others must also be able to reach it: every directory above needs o+x.
  std::error_code ec;
  auto dir = std::filesystem::absolute(path, ec).parent_path();
  if (ec) return make_error("io", path + ": " + ec.message());
  for (;;) {
    struct stat ds {};
    if (::stat(dir.c_str(), &ds) != 0)
      return make_error("io", dir.string() + ": " + std::strerror(errno));
    if (!(ds.st_mode & S_IXOTH)) return false;
    if (!dir.has_relative_path()) return true;  // reached "/"
    dir = dir.parent_path();
  }
}

Status check_secret_files(const std::vector<SecretFile>& files) {
  for (const auto& f : files) {
    std::error_code ec;
    if (!std::filesystem::exists(f.path, ec)) continue;
    auto open = readable_by_others(f.path);
    if (!open) return open.error();
    if (*open)
      return make_error("config", f.path + " holds " + f.holds +
                                      " and is readable by other users: chmod 600 " + f.path);
  }
  return Ok{};
}

}  // namespace keyline::server
