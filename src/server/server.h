// The composition root for `keyline serve`: config → objects. One worker per core
// (worker.h) owns SIP, media and its calls; the server holds what they share (apps, the
// routing and trunk tables it builds, admission state, the TTS renderer, the recognizer, the
// call-log writer, post-call sender, metrics and the API), which runs on threads of its own
// or is safe from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"
#include "flow/app_document.h"
#include "io/loop_thread.h"
#include "server/api_host.h"
#include "server/config.h"
#include "server/post_call_sender.h"
#include "server/routing_table.h"
#include "server/server_metrics.h"
#include "server/trunk_admission.h"
#include "server/trunk_hosts.h"
#include "server/worker.h"
#include "speech/asr_worker.h"
#include "speech/prompt_renderer.h"
#include "speech/prompt_table.h"
#include "speech/voice_catalog.h"
#include "store/call_log_writer.h"
#include "store/repositories.h"

namespace keyline::server {

// The built-in demo app plus every <apps_dir>/*.json; errors carry file:line:col.
Result<AppCatalog> load_apps(const Config& config);

// sip.workers: the configured number, or one per core (0).
std::size_t worker_count(const Config& config);

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(Config config, Logger& logger);
  ~Server();

  // Runs until SIGINT/SIGTERM (or stop()); active calls get a BYE first.
  Status run();
  void stop();  // thread-safe
  std::uint16_t sip_port() const { return workers_.front()->transport().port(); }
  std::uint16_t api_port() const { return api_ ? api_->port() : 0; }

 private:
  Server(Config config, Logger& logger);
  Status open();
  // The workers, each with its first routing and trunk tables (reload_mutex_ and trunk_mutex_
  // held, so an API change meanwhile waits and then reaches every worker).
  Status open_workers(store::Backend& backend);
  sip::TransportConfig transport_config() const;
  Status open_admission();
  void begin_shutdown();        // every worker hangs up its calls and stops
  bool deploys_speech() const;  // a deployed app has a module listening for speech
  std::size_t total_calls() const;

  Config config_;
  Logger& logger_;
  AppCatalog apps_;
  // By app name: the variant secure deployments run (flow::as_secure_deployment).
  AppCatalog secure_apps_;
  std::map<std::string, std::shared_ptr<const speech::PromptAudioTable>> prompt_audio_;
  speech::VoiceCatalog voices_{{}};
  std::unique_ptr<speech::PromptRenderer> renderer_;
  // Speech input: the recognizer's thread; the model loads on the first recognition.
  std::unique_ptr<speech::AsrWorker> asr_;
  std::unique_ptr<store::CallLogWriter> call_logs_;
  // The apps' post-call requests: a durable queue and a sender thread (post_call_sender.h).
  std::unique_ptr<PostCallSender> post_call_;
  ServerMetrics metrics_;
  SystemClock clock_;
  SharedAdmission admission_;
  std::unique_ptr<ApiHost> api_;
  // Built once by open_workers(); read from any thread after that (reload_routes and
  // reload_trunks take the mutexes that open_workers held while filling it).
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;            // every worker but the first, which run() runs
  std::atomic<Worker*> first_worker_{nullptr};  // set once the workers exist (for /metrics)
  int signal_fd_ = -1;
  std::atomic<bool> shutting_down_{false};
  std::atomic<std::size_t> workers_finished_{0};

  // Routing (server_routing.cc): the config's deployments, then the stored ones, rebuilt when
  // the API changes them. Builds run on the API thread that made the change, under
  // reload_mutex_ (so tables are posted in the order they were built); each worker only
  // swaps the pointer.
  void build_config_routes();
  std::shared_ptr<const RoutingTable> build_routes();   // reload_mutex_ held
  std::shared_ptr<const RoutingTable> start_routing();  // reload_mutex_ held
  void reload_routes();                                 // any thread
  std::vector<std::shared_ptr<const RoutedDeployment>> config_routes_;
  std::unique_ptr<store::DeploymentRepository> stored_deployments_;
  std::unique_ptr<store::AppRepository> stored_apps_;
  std::mutex reload_mutex_;
  bool routing_live_ = false;          // under reload_mutex_
  std::uint64_t routing_version_ = 0;  // under reload_mutex_

  // ---- Stored trunks in SIP admission (server_trunks.cc, trunk_admission.h). The table is
  // built on whichever thread asks (the API's after a trunk write, the first worker's timer)
  // under trunk_mutex_, and posted to every worker; call counts are in admission_.
  std::shared_ptr<const TrunkTable> start_trunks(store::Backend& backend);  // trunk_mutex_ held
  void reload_trunks();                                                     // any thread
  std::optional<bool> read_trunks();  // trunk_mutex_ held; whether the table changed
  std::unique_ptr<store::TrunkRepository> stored_trunks_;  // under trunk_mutex_
  std::shared_ptr<TrunkTable> trunks_built_;               // under trunk_mutex_
  std::mutex trunk_mutex_;
  bool trunks_live_ = false;         // under trunk_mutex_
  std::string trunks_fingerprint_;   // under trunk_mutex_: what the last table held
  std::uint64_t trunk_version_ = 0;  // under trunk_mutex_
  // Host names in the trunks' allow lists (trunk_hosts.h): looked up again after every read,
  // and a changed answer reloads the table. Destroyed before the workers it posts to.
  std::unique_ptr<TrunkHostResolver> trunk_hosts_;
  HostAddresses trunk_host_addresses_;                        // under trunk_mutex_
  void trunk_hosts_resolved(const HostAddresses& addresses);  // the resolver's thread

  // The periodic trunk reload (sip.trunk_reload_s), off the workers' loops. Last member: it is
  // stopped before anything its reload uses.
  std::unique_ptr<io::LoopThread> housekeeping_;
};

}  // namespace keyline::server
