// Composes the HTTPS API for `keyline serve`: repositories over the shared
// database, the API key hasher, the TLS identity (generated on first start),
// the API service and its listener, plus the call-log retention job. The API
// runs on libmicrohttpd's threads; it never touches a SIP worker.
#pragma once

#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "api/api_service.h"
#include "api/https_server.h"
#include "api/key_hasher.h"
#include "base/log.h"
#include "server/config.h"
#include "store/backend.h"
#include "store/call_log_store.h"
#include "store/database.h"
#include "store/repositories.h"
#include "store/retention.h"

namespace keyline::server {

// The file holding the key that API key hashes are keyed with.
std::string api_key_secret_path(const Config& config);

class ApiHost {
 public:
  // Starts the retention job always and the API when config.api.enabled.
  // With no admin user yet, creates one and prints its API key on `console`
  // (stdout: not the log), once.
  // `backend`: SQLite (<data_dir>/keyline.db) or PostgreSQL (database.url).
  static Result<std::unique_ptr<ApiHost>> start(const Config& config,
                                                std::shared_ptr<store::Backend> backend,
                                                std::function<std::string()> server_metrics,
                                                Logger& logger, std::ostream& console = std::cout,
                                                std::function<void()> routing_changed = {});
  ~ApiHost();

  std::uint16_t port() const { return https_ ? https_->port() : 0; }

 private:
  ApiHost() = default;

  std::shared_ptr<store::Backend> backend_;
  std::unique_ptr<store::AppRepository> apps_;
  std::unique_ptr<store::DeploymentRepository> deployments_;
  std::unique_ptr<store::UserRepository> users_;
  std::unique_ptr<store::AuditLog> audit_;
  std::unique_ptr<store::OutboundRepository> outbound_;
  std::unique_ptr<store::TeamRepository> teams_;  // issue 9: teams and sharing
  std::unique_ptr<store::CallLogStore> calls_;
  std::unique_ptr<store::TrunkRepository> trunks_;
  std::unique_ptr<store::ReportRepository> reports_;
  std::unique_ptr<store::RecordingRepository> recordings_;  // also the retention job's
  std::unique_ptr<api::KeyHasher> hasher_;
  std::unique_ptr<api::ApiService> service_;
  std::unique_ptr<api::HttpsServer> https_;
  std::unique_ptr<store::RetentionJob> retention_;
};

}  // namespace keyline::server
