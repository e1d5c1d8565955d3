// The server's registrations (docs/sip.md, "REGISTER to a trunk"), run by the first worker:
// one sip::Registration per `sip.register` entry, sending through the user agent, counted by
// state for keyline_sip_registrations{state}, and removed (Expires: 0) when the server stops.
#include "server/trunk_admission.h"
#include "server/worker.h"
#include "sip/uri.h"

namespace keyline::server {

Status Worker::start_registrations() {
  if (config_.sip.registrations.empty()) return Ok{};
  registration_timers_ = std::make_unique<sip::LoopTimerService>(*loop_);
  for (const auto& settings : config_.sip.registrations) {
    const std::string where = "sip.register '" + settings.name + "': ";
    auto uri = sip::parse_uri(settings.registrar);
    if (!uri) return make_error("config", where + "registrar: " + uri.error().message);
    sip::Peer peer;
    peer.kind = settings.transport == "tcp" ? sip::TransportKind::kTcp : sip::TransportKind::kUdp;
    // A host name leaves the endpoint empty: the user agent resolves it (RFC 3263).
    if (auto ep = io::Endpoint::parse(uri->host, uri->port ? uri->port : 5060)) peer.endpoint = *ep;
    sip::RegistrationConfig rc;
    rc.name = settings.name;
    rc.registrar = settings.registrar;
    rc.aor = settings.aor;
    rc.contact = ua_->contact(peer, settings.contact_user);
    rc.username = settings.username;
    if (!settings.password_ref.empty()) {
      auto password = read_secret_ref(settings.password_ref);
      if (!password) return make_error("config", where + "password: " + password.error().message);
      rc.password = std::move(*password);
    }
    rc.expires_s = settings.expires_s;
    rc.retry_min = std::chrono::seconds(settings.retry_min_s);
    rc.retry_max = std::chrono::seconds(settings.retry_max_s);
    rc.call_id = new_call_id();  // the registrar's answers come back to this worker
    const std::size_t index = registrations_.size();
    registration_states_.push_back(sip::RegistrationState::kIdle);
    ++registration_counts_[static_cast<std::size_t>(sip::RegistrationState::kIdle)];
    registrations_.push_back(std::make_unique<sip::Registration>(
        std::move(rc), *registration_timers_, ids_,
        [this, peer](sip::Message m, sip::Registration::FinalResponse done) -> Status {
          auto tx = ua_->send_request(std::move(m), peer, std::move(done));
          if (!tx) return tx.error();
          return Ok{};
        },
        [this, index, name = settings.name](sip::RegistrationState state, const std::string& why) {
          auto& last = registration_states_[index];
          --registration_counts_[static_cast<std::size_t>(last)];
          ++registration_counts_[static_cast<std::size_t>(state)];
          last = state;
          const std::string line = "registration " + name + ": " +
                                   std::string(sip::registration_state_name(state)) + " (" + why +
                                   ")";
          if (state == sip::RegistrationState::kFailed) {
            logger_.warn("sip", line);
          } else {
            logger_.info("sip", line);
          }
        }));
  }
  for (auto& registration : registrations_) registration->start();
  return Ok{};
}

void Worker::stop_registrations() {
  for (auto& registration : registrations_) {
    ++unregistering_;
    registration->stop([this] {
      // Posted: stop() may call back before it returns, and the loop may be stopping.
      loop_->post([this] {
        if (--unregistering_ == 0 && stop_wanted_) finish();
      });
    });
  }
}

void Worker::finish() {
  if (finished_) return;
  finished_ = true;
  // The loop keeps running (and reading its sockets, for the other workers' dispatched
  // answers) until every worker is done; the server then stops them all.
  shared_.finished();
}

void Worker::stop_loop() {
  if (unregistering_ == 0) return finish();
  stop_wanted_ = true;
  // A registrar that never answers must not hold the shutdown: Timer F ends each
  // un-REGISTER anyway, but a shorter bound keeps SIGTERM prompt.
  loop_->add_timer(Millis(5000), [this] { finish(); });
}

std::string Worker::registration_metrics() const {
  if (config_.sip.registrations.empty()) return {};
  std::string text =
      "# HELP keyline_sip_registrations Registrations with registrars (sip.register), by "
      "state.\n# TYPE keyline_sip_registrations gauge\n";
  for (std::size_t i = 0; i < registration_counts_.size(); ++i)
    text += "keyline_sip_registrations{state=\"" +
            std::string(sip::registration_state_name(static_cast<sip::RegistrationState>(i))) +
            "\"} " + std::to_string(registration_counts_[i].load()) + "\n";
  return text;
}

}  // namespace keyline::server
