#include "server/api_host.h"

#include <chrono>
#include <filesystem>

#include "api/tls_identity.h"
#include "base/secure_wipe.h"
#include "server/first_admin.h"

namespace keyline::server {

std::string api_key_secret_path(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "api-key-hash.secret").string();
}

Result<std::unique_ptr<ApiHost>> ApiHost::start(const Config& config,
                                                std::shared_ptr<store::Backend> backend,
                                                std::function<std::string()> server_metrics,
                                                Logger& logger, std::ostream& console,
                                                std::function<void()> routing_changed) {
  std::unique_ptr<ApiHost> host(new ApiHost());
  host->backend_ = backend;
  host->calls_ = backend->call_logs(config.privacy);
  host->recordings_ = backend->recordings();
  store::RetentionPolicy policy{config.retention.call_log_detail_days,
                                config.retention.call_log_days, config.retention.audit_log_days,
                                config.retention.outbound_days,
                                config.retention.post_call_queue_days,
                                config.retention.recordings_days};
  host->retention_ = std::make_unique<store::RetentionJob>(
      *host->calls_, policy, std::chrono::hours(1),
      [&logger](const Result<store::RetentionOutcome>& r) {
        if (!r)
          logger.error("store", "retention job failed: " + r.error().message);
        else if (r->details_removed || r->calls_removed || r->audit_removed ||
                 r->outbound_removed || r->post_call_removed || r->recordings_removed)
          logger.info("store", "retention: removed " + std::to_string(r->details_removed) +
                                   " call-log detail entries, " + std::to_string(r->calls_removed) +
                                   " call logs, " + std::to_string(r->audit_removed) +
                                   " audit entries, " + std::to_string(r->outbound_removed) +
                                   " outbound calls, " + std::to_string(r->post_call_removed) +
                                   " post-call requests, " +
                                   std::to_string(r->recordings_removed) + " recordings");
      },
      backend->retention_targets(), host->recordings_.get());
  if (!config.api.enabled) {
    logger.info("api", "API disabled (api.enabled: false)");
    return host;
  }
  host->apps_ = backend->apps();
  host->deployments_ = backend->deployments();
  host->users_ = backend->users();
  host->audit_ = backend->audit_log();
  host->trunks_ = backend->trunks();
  host->reports_ = backend->reports();
  host->outbound_ = backend->outbound();
  host->teams_ = backend->teams();
  auto hasher = api::KeyHasher::load_or_create(api_key_secret_path(config));
  if (!hasher) return hasher.error();
  host->hasher_ = std::make_unique<api::KeyHasher>(*hasher);
  {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto first = create_first_admin_key(
        [&backend](const std::function<Status()>& body) { return backend->transaction(body); },
        *host->users_, *host->audit_, *host->hasher_, now);
    if (!first) return first.error();
    if (*first) {
      console << "First start: admin API key for " << kFirstAdminEmail
              << " (shown only now; only its hash is stored):\n"
              << (*first)->key << "\n"
              << std::flush;
      secure_wipe((*first)->key);
      logger.info("api", std::string("first start: created the admin ") + kFirstAdminEmail +
                             " with API key id " + (*first)->key_id +
                             " (the key was printed on stdout, once)");
    }
  }

  api::ApiDependencies deps;
  deps.apps = host->apps_.get();
  deps.deployments = host->deployments_.get();
  deps.users = host->users_.get();
  deps.audit = host->audit_.get();
  deps.calls = host->calls_.get();
  deps.trunks = host->trunks_.get();
  deps.reports = host->reports_.get();
  deps.outbound = host->outbound_.get();
  deps.teams = host->teams_.get();
  deps.recordings = host->recordings_.get();
  deps.hasher = host->hasher_.get();
  deps.server_metrics = std::move(server_metrics);
  deps.routing_changed = std::move(routing_changed);
  deps.transaction = [backend](const std::function<Status()>& body) {
    return backend->transaction(body);
  };
  deps.rate_per_second = config.api.rate_per_second;
  deps.burst = config.api.burst;
  host->service_ = std::make_unique<api::ApiService>(std::move(deps));

  auto identity =
      api::load_or_create_tls_identity(config.api.tls_cert, config.api.tls_key, config.data_dir);
  if (!identity) return identity.error();
  if (identity->generated)
    logger.info("api", "generated a self-signed API certificate: " + identity->cert_path);
  api::HttpsConfig hc{config.api.listen, config.api.port, config.api.threads, 1 << 20};
  auto https = api::HttpsServer::start(hc, *identity, *host->service_);
  if (!https) return https.error();
  host->https_ = std::move(*https);
  logger.info("api", "certificate " + identity->cert_path + " SHA-256 fingerprint " +
                         identity->sha256_fingerprint);
  logger.info("api", "listening for HTTPS on " + config.api.listen + ":" +
                         std::to_string(host->https_->port()));
  return host;
}

ApiHost::~ApiHost() {
  // Stop taking requests before the objects the handlers use go away.
  https_.reset();
  retention_.reset();
}

}  // namespace keyline::server
