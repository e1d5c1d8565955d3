#include "server/server.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <filesystem>

#include "base/secure_random.h"
#include "flow/speech_input.h"
#include "io/thread_scheduling.h"
#include "privacy/redact.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"
#include "server/app_prompts.h"
#include "server/app_voices.h"
#include "server/demo_app.h"
#include "server/media_codec.h"
#include "server/media_crypto.h"
#include "server/secure_deployment.h"
#include "sip/uri.h"
#include "speech/flite_engine.h"
#include "speech/pocketsphinx_asr.h"
#include "store/backend.h"
#include "store/call_log_store.h"
#include "store/migrations.h"

namespace keyline::server {
Result<AppCatalog> load_apps(const Config& config) {
  AppCatalog apps;
  auto demo = flow::parse_app(demo_app_json(), "(built-in)/demo.json");
  if (!demo) return demo.error();
  apps["demo"] = std::make_shared<flow::AppDocument>(std::move(demo.value()));
  std::string errors;
  std::error_code ec;
  bool skip_dir = config.apps_dir.empty() ||
                  (config.apps_dir_optional && !std::filesystem::exists(config.apps_dir, ec));
  if (!skip_dir) {
    if (!std::filesystem::is_directory(config.apps_dir, ec))
      return make_error("config", "apps_dir " + config.apps_dir + ": not a directory");
    for (const auto& entry : std::filesystem::directory_iterator(config.apps_dir, ec)) {
      if (entry.path().extension() != ".json") continue;
      auto app = flow::load_app(entry.path().string());
      if (!app) {
        errors += (errors.empty() ? "" : "\n") + app.error().message;
        continue;
      }
      if (auto audited = check_secure_audit(*app, "app " + entry.path().stem().string());
          !audited) {
        errors += (errors.empty() ? "" : "\n") + audited.error().message;
        continue;
      }
      apps[entry.path().stem().string()] = std::make_shared<flow::AppDocument>(std::move(*app));
    }
  }
  if (!errors.empty()) return make_error("app", errors);
  for (const auto& d : config.deployments) {
    if (!apps.count(d.app))
      return make_error("config", config.source + ": deployment '" + d.name + "': no app named '" +
                                      d.app + "' (looked in " +
                                      (config.apps_dir.empty() ? "built-ins" : config.apps_dir) +
                                      ")");
    if (!d.secure) continue;
    auto audited = check_secure_audit(flow::as_secure_deployment(*apps.at(d.app)),
                                      "deployment '" + d.name + "'");
    if (!audited) return audited.error();
  }
  return apps;
}

Result<std::unique_ptr<Server>> Server::create(Config config, Logger& logger) {
  std::unique_ptr<Server> server(new Server(std::move(config), logger));
  auto opened = server->open();
  if (!opened) return opened.error();
  return server;
}

Server::Server(Config config, Logger& logger) : config_(std::move(config)), logger_(logger) {}

Server::~Server() {
  {
    // A look-up's report may be under way: it reloads the trunk table (reaching the workers)
    // and reads trunk_hosts_ under trunk_mutex_. Taken out under that lock, the resolver then
    // waits for the report outside it.
    std::unique_ptr<TrunkHostResolver> hosts;
    {
      std::lock_guard lock(trunk_mutex_);
      hosts = std::move(trunk_hosts_);
    }
  }
  api_.reset();
  housekeeping_.reset();  // its trunk reload posts to the workers
  if (signal_fd_ >= 0) {
    workers_.front()->loop().remove_fd(signal_fd_);
    ::close(signal_fd_);
  }
  workers_.clear();  // before the renderer, recognizer and writers their calls use
}

Status Server::open() {
  // SIGINT/SIGTERM arrive as readable events on the loop, not as handlers.
  // They are blocked before any thread starts, so every thread inherits it.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  logger_.info("server", "config: " + config_.source);
  // Everything that can be wrong with config or apps fails here, before any
  // socket opens.
  auto apps = load_apps(config_);
  if (!apps) return apps.error();
  apps_ = std::move(*apps);
  logger_.info("server", "apps directory: " +
                             (config_.apps_dir.empty() ? std::string("(none)") : config_.apps_dir));
  voices_ = speech::VoiceCatalog::installed();
  std::string voice_errors;
  for (const auto& [name, app] : apps_) {
    for (const auto& problem : check_app_voices(*app, voices_))
      voice_errors += (voice_errors.empty() ? "" : "\n") + problem;
  }
  if (!voice_errors.empty()) return make_error("app", voice_errors);
  // A secure deployment runs its own variant of the app: secure, every value private.
  for (const auto& d : config_.deployments) {
    if (!d.secure || secure_apps_.count(d.app)) continue;
    secure_apps_[d.app] =
        std::make_shared<flow::AppDocument>(flow::as_secure_deployment(*apps_.at(d.app)));
    logger_.info("server", "deployment " + d.name + " is secure (TLS and SRTP " +
                               (d.secure_media_warn ? "expected, warn only" : "required") + ")");
  }
  for (const auto& [name, app] : apps_) {
    logger_.info("server", "app loaded: " + name);
    // Recorded prompts are decoded and encoded for every codec now, once. A file that cannot
    // be used is a warning: its prompt is spoken by TTS instead (keyline validate fails it).
    auto prompts = load_app_prompts(*app);
    for (const auto& problem : prompts.problems) logger_.warn("app", problem);
    if (prompts.audio->size())
      logger_.info("server", "app " + name + ": " + std::to_string(prompts.audio->size()) +
                                 " recorded prompt(s)");
    prompt_audio_[name] = std::move(prompts.audio);
  }

  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) return make_error("io", "data_dir " + config_.data_dir + ": " + ec.message());
  std::string db_path = (std::filesystem::path(config_.data_dir) / "keyline.db").string();
  auto opened_db = store::open_and_migrate(db_path);
  if (!opened_db) return opened_db.error();
  std::shared_ptr<store::Database> db(std::move(*opened_db));
  // Apps, deployments, users, the audit log and call logs: this file, or
  // PostgreSQL when database.url is set.
  std::shared_ptr<store::Backend> backend = store::make_sqlite_backend(db);
  if (!config_.database.url.empty()) {
    auto pg = store::open_postgres_backend(config_.database.url, config_.database.password,
                                           config_.database.pool_size);
    if (!pg) return make_error("store", "database.url: " + pg.error().message);
    backend = *pg;
  }
  logger_.info("server", "database: " + backend->describe());
  stored_deployments_ = backend->deployments();
  stored_apps_ = backend->apps();
  build_config_routes();
  call_logs_ = std::make_unique<store::CallLogWriter>(
      backend->call_logs(config_.privacy), [this](const Error& e) {
        ++metrics_.call_log_write_errors;
        logger_.error("store", "call log write failed: " + e.message);
      });
  logger_.info("server", "call logs: " + backend->describe());
  auto post_call = PostCallSender::start(backend->post_call_queue(), config_.http, logger_);
  if (!post_call) return post_call.error();
  post_call_ = std::move(*post_call);
  post_call_->attach_recordings(backend->recordings());  // recordings metadata (issue 9)
  // The renderer (and its cache) exists before the API, whose /metrics reads the cache's figures.
  auto engine = speech::make_flite_engine();
  if (!engine) return make_error("tts", "the flite voice cmu_us_kal could not be loaded");
  auto cache = speech::TtsCache::open(config_.tts_cache);
  if (!cache) return cache.error();
  if (!config_.tts_cache.disk_dir.empty())
    logger_.info("server", "tts cache on disk: " + config_.tts_cache.disk_dir);
  renderer_ = std::make_unique<speech::PromptRenderer>(
      std::move(engine), std::move(*cache),
      [](const speech::VoiceInfo& voice) { return speech::VoiceCatalog::make_engine(voice); });
  asr_ =
      std::make_unique<speech::AsrWorker>([this]() -> Result<std::unique_ptr<speech::AsrEngine>> {
        auto engine = speech::make_pocketsphinx_engine();
        if (engine) logger_.info("server", "speech recognition: pocketsphinx model loaded");
        return engine;
      });
  // A deployed app that listens for speech: load the model now, in the background, so the
  // first caller does not wait for it. Servers whose apps take keys only never load it.
  if (deploys_speech()) asr_->post([](Result<speech::AsrEngine*>) {});
  auto api = ApiHost::start(
      config_, backend,
      [this] {
        return metrics_.prometheus_text() + renderer_->cache().prometheus_text() +
               ServerMetrics::gauge_text("keyline_call_log_queue_depth",
                                         "Call logs waiting for the writer thread.",
                                         call_logs_ ? call_logs_->queued() : 0) +
               post_call_->prometheus_text() +
               (first_worker_ ? first_worker_.load()->registration_metrics() : std::string());
      },
      logger_, std::cout,
      [this] {
        reload_routes();
        reload_trunks();  // trunk writes come through the same hook
      });
  if (!api) return api.error();
  api_ = std::move(*api);

  if (auto admission = open_admission(); !admission) return admission.error();
  if (auto workers = open_workers(*backend); !workers) return workers.error();
  io::EventLoop& first = workers_.front()->loop();
  if (config_.sip.trunk_reload_s > 0) {
    // Not on a worker: the read may wait for the database while the call-log writer holds it.
    auto housekeeping = io::LoopThread::start();
    if (!housekeeping) return housekeeping.error();
    housekeeping_ = std::move(*housekeeping);
    io::EventLoop& loop = housekeeping_->loop();
    loop.post([this, &loop] {
      loop.add_periodic(std::chrono::seconds(config_.sip.trunk_reload_s),
                        [this] { reload_trunks(); });
    });
  }

  const sip::Transport& transport = workers_.front()->transport();
  std::string transports = std::string(transport.has_udp() ? "UDP" : "") +
                           (transport.has_udp() && transport.has_tcp() ? ", " : "") +
                           (transport.has_tcp() ? "TCP" : "");
  if (transport.has_tls())
    logger_.info("server",
                 "SIP over TLS on " + transport.host() + ":" +
                     std::to_string(transport.tls_port()) +
                     (config_.sip.tls.verify_client ? " (client certificates required)" : ""));
  logger_.info("server", "listening for SIP on " + transport.host() + ":" +
                             std::to_string(transport.port()) + " (" + transports + "), " +
                             std::to_string(workers_.size()) + " worker(s)");
  // The kernel counts bookkeeping in the size it reports: about twice the payload asked for.
  if (const std::size_t asked = std::size_t(config_.sip.udp_receive_buffer_kb) * 1024;
      transport.has_udp() && asked > 0 && transport.udp_receive_buffer() / 2 < asked)
    logger_.warn("server", "SIP UDP receive buffer is " +
                               std::to_string(transport.udp_receive_buffer() / 2048) +
                               " KiB, not the " +
                               std::to_string(config_.sip.udp_receive_buffer_kb) +
                               " KiB asked (sip.udp_receive_buffer_kb): raise net.core.rmem_max");

  signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ >= 0) {
    auto added = first.add_fd(signal_fd_, EPOLLIN, [this](std::uint32_t) {
      signalfd_siginfo info;
      while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
      }
      begin_shutdown();
    });
    if (!added) return added.error();
  }
  return Ok{};
}

Status Server::open_admission() {
  const auto& a = config_.sip.access;
  sip::AccessPolicyConfig pc;
  for (const auto& cidr : a.allow)
    if (auto parsed = sip::Cidr::parse(cidr)) pc.allow.push_back(*parsed);
  pc.deny_with_403 = a.deny_with_403;
  pc.rate_per_second = a.rate_per_second;
  pc.burst = a.burst;
  pc.ban_after_failures = a.ban_after_failures;
  pc.failure_window = std::chrono::seconds(a.failure_window_seconds);
  pc.ban_for = std::chrono::seconds(a.ban_seconds);
  pc.max_calls = a.max_calls;
  pc.retry_after_s = a.retry_after_seconds;
  admission_.access = std::make_unique<sip::AccessPolicy>(std::move(pc), clock_);
  if (!a.allow.empty())
    logger_.info("server", "SIP allowed from " + std::to_string(a.allow.size()) +
                               " prefix(es); others " +
                               (a.deny_with_403 ? "get 403" : "are dropped"));
  if (config_.sip.auth.enabled) {
    sip::DigestAuthConfig ac;
    ac.realm = config_.sip.auth.realm;
    ac.users = config_.sip.auth.users;
    ac.algorithms.clear();
    for (const auto& name : config_.sip.auth.algorithms)
      if (auto alg = sip::parse_digest_algorithm(name)) ac.algorithms.push_back(*alg);
    auto auth = sip::DigestAuthenticator::create(std::move(ac), clock_, fill_secure_random);
    if (!auth) return auth.error();
    admission_.auth = std::move(*auth);
    logger_.info("server", "digest authentication on (realm \"" + config_.sip.auth.realm + "\", " +
                               std::to_string(config_.sip.auth.users.size()) + " user(s))");
  }
  return Ok{};
}

sip::TransportConfig Server::transport_config() const {
  sip::TransportConfig tc{config_.sip.listen, config_.sip.port, config_.sip.udp, config_.sip.tcp};
  tc.idle_timeout = std::chrono::seconds(config_.sip.idle_timeout_s);
  tc.max_connections = static_cast<std::size_t>(config_.sip.max_connections);
  tc.max_connections_per_source = static_cast<std::size_t>(config_.sip.max_connections_per_source);
  return tc;
}

Status Server::open_workers(store::Backend& backend) {
  sip::TransportConfig tc = transport_config();
  if (const auto& tls = config_.sip.tls; tls.enabled) {
    // Certificates and keys are loaded (and checked against each other)
    // before any socket opens, so a bad file stops the start.
    auto server_ctx =
        io::TlsContext::server(io::TlsServerSettings{tls.cert, tls.key, tls.ca, tls.verify_client});
    if (!server_ctx) return make_error("config", "sip.tls: " + server_ctx.error().message);
    auto client_ctx = io::TlsContext::client(io::TlsClientSettings{tls.ca});
    if (!client_ctx) return make_error("config", "sip.tls: " + client_ctx.error().message);
    tc.tls_server = *server_ctx;
    tc.tls_port = tls.port;
    tc.tls_client = *client_ctx;
  }
  const std::size_t count = worker_count(config_);
  tc.reuse_port = count > 1;
  tc.udp_receive_buffer = static_cast<std::size_t>(config_.sip.udp_receive_buffer_kb) * 1024;
  if (count > 1) tc.connection_count = std::make_shared<sip::ConnectionCount>();
  WorkerShared shared{config_,    logger_, metrics_,    apps_,       secure_apps_, voices_,
                      *renderer_, *asr_,   *call_logs_, *post_call_, admission_};
  shared.worker_count = count;
  shared.route = [this](std::size_t worker, sip::Message message, const sip::Peer& from) {
    workers_[worker]->deliver(std::move(message), from);
  };
  shared.hand_back = [this](std::size_t worker, std::string bytes, const sip::Peer& to) {
    workers_[worker]->send_on_held(std::move(bytes), to);
  };
  shared.total_calls = [this] { return total_calls(); };
  shared.finished = [this] {
    // Any worker's thread. The last one to finish stops every loop.
    if (++workers_finished_ != workers_.size()) return;
    for (auto& worker : workers_) worker->loop().stop();
  };
  // An API write meanwhile waits for both locks, and then reaches every worker.
  std::lock_guard routing_lock(reload_mutex_);
  std::lock_guard trunk_lock(trunk_mutex_);
  auto routes = start_routing();
  auto trunks = start_trunks(backend);
  if (trunks)
    logger_.info("trunks", "trunk table " + std::to_string(trunk_version_) +
                               " in use: " + std::to_string(trunks->size()) + " trunk(s)");
  for (std::size_t i = 0; i < count; ++i) {
    auto worker = Worker::create(shared, i, tc, routes, trunks);
    if (!worker) return worker.error();
    workers_.push_back(std::move(*worker));
    if (i == 0) {
      // The others join the ports the first one got (port 0: the kernel's choice).
      tc.port = workers_.front()->transport().port();
      tc.tls_port = workers_.front()->transport().tls_port();
      tc.join_group = true;
    }
  }
  first_worker_ = workers_.front().get();
  if (auto dialer = workers_.front()->start_outbound(backend); !dialer) return dialer.error();
  if (auto registered = workers_.front()->start_registrations(); !registered)
    return registered.error();
  return Ok{};
}

std::size_t Server::total_calls() const {
  std::size_t total = 0;
  for (const auto& worker : workers_) total += worker->published_calls();
  return total;
}

std::size_t worker_count(const Config& config) {
  if (config.sip.workers > 0) return static_cast<std::size_t>(config.sip.workers);
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

bool Server::deploys_speech() const {
  for (const auto& deployment : config_.deployments) {
    auto app = apps_.find(deployment.app);
    if (app == apps_.end()) continue;
    for (const auto& page : app->second->pages)
      for (const auto& module : page.modules)
        if (flow::listens_for_speech(module)) return true;
  }
  return false;
}

void Server::begin_shutdown() {
  if (shutting_down_.exchange(true)) return;
  for (auto& worker : workers_) worker->shutdown();
}

void Server::stop() {
  // Through the first worker's loop, as the signal comes: any thread may call this.
  workers_.front()->loop().post([this] { begin_shutdown(); });
}

Status Server::run() {
  // The first worker runs on this thread; it asks for real-time scheduling first, and the
  // others ask only if it was granted (the answer would be the same), so a refusal is
  // logged once.
  const int priority = config_.media.realtime_priority;
  bool realtime = false;
  if (priority > 0) {
    if (auto granted = io::run_thread_realtime(priority); !granted)
      logger_.warn("server", granted.error().message +
                                 "; the workers run under the normal scheduler (docs/media.md)");
    else
      realtime = true;
  }
  for (std::size_t i = 1; i < workers_.size(); ++i)
    threads_.emplace_back([this, i, realtime, priority] {
      io::name_thread("keyline-worker" + std::to_string(i));
      if (realtime) {
        if (auto granted = io::run_thread_realtime(priority); !granted)
          logger_.warn("server", "worker " + std::to_string(i) + ": " + granted.error().message);
      }
      workers_[i]->loop().run();
    });
  if (realtime)
    logger_.info("server", "workers run at real-time priority " + std::to_string(priority));
  workers_.front()->loop().run();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  call_logs_->flush();
  logger_.info("server", "stopped");
  return Ok{};
}

}  // namespace keyline::server
