// The server's registrations (docs/sip.md, "REGISTER to a trunk"), run by the first worker:
// one sip::Registration per `sip.register` entry, sending through the user agent, counted by
// state for keyline_sip_registrations{state}, and removed (Expires: 0) when the server stops.
// Stored trunks with REGISTER settings get one each, kept in step with the trunk table.
#include <algorithm>

#include "server/trunk_admission.h"
#include "server/worker.h"
#include "sip/uri.h"

namespace keyline::server {

Result<std::unique_ptr<sip::Registration>> Worker::make_registration(const RegistrationSpec& spec,
                                                                     std::uint64_t& id) {
  auto uri = sip::parse_uri(spec.registrar);
  if (!uri) return make_error("config", "registrar: " + uri.error().message);
  sip::Peer peer;
  peer.kind = spec.transport;
  const std::uint16_t port =
      uri->port ? uri->port : (spec.transport == sip::TransportKind::kTls ? 5061 : 5060);
  // A host name leaves the endpoint empty: the user agent resolves it (RFC 3263).
  if (auto ep = io::Endpoint::parse(uri->host, port)) peer.endpoint = *ep;
  sip::RegistrationConfig rc;
  rc.name = spec.name;
  rc.registrar = spec.registrar;
  rc.aor = spec.aor;
  rc.contact = ua_->contact(peer, spec.contact_user);
  rc.username = spec.username;
  rc.password = spec.password;
  rc.expires_s = spec.expires_s;
  rc.retry_min = spec.retry_min;
  rc.retry_max = spec.retry_max;
  rc.call_id = new_call_id();  // the registrar's answers come back to this worker
  id = next_registration_++;
  registration_states_[id] = sip::RegistrationState::kIdle;
  ++registration_counts_[static_cast<std::size_t>(sip::RegistrationState::kIdle)];
  has_registrations_ = true;
  return std::make_unique<sip::Registration>(
      std::move(rc), *registration_timers_, ids_,
      [this, peer](sip::Message m, sip::Registration::FinalResponse done) -> Status {
        auto tx = ua_->send_request(std::move(m), peer, std::move(done));
        if (!tx) return tx.error();
        return Ok{};
      },
      [this, id, name = spec.name](sip::RegistrationState state, const std::string& why) {
        auto it = registration_states_.find(id);
        if (it != registration_states_.end()) {
          --registration_counts_[static_cast<std::size_t>(it->second)];
          ++registration_counts_[static_cast<std::size_t>(state)];
          it->second = state;
        }
        const std::string line = "registration " + name + ": " +
                                 std::string(sip::registration_state_name(state)) + " (" + why +
                                 ")";
        if (state == sip::RegistrationState::kFailed) {
          logger_.warn("sip", line);
        } else {
          logger_.info("sip", line);
        }
      });
}

Status Worker::start_registrations() {
  registration_timers_ = std::make_unique<sip::LoopTimerService>(*loop_);
  registrations_started_ = true;
  for (const auto& settings : config_.sip.registrations) {
    RegistrationSpec spec;
    spec.name = settings.name;
    spec.registrar = settings.registrar;
    spec.aor = settings.aor;
    spec.contact_user = settings.contact_user;
    spec.transport =
        settings.transport == "tcp" ? sip::TransportKind::kTcp : sip::TransportKind::kUdp;
    spec.username = settings.username;
    if (!settings.password_ref.empty()) {
      auto password = read_secret_ref(settings.password_ref);
      if (!password)
        return make_error("config", "sip.register '" + settings.name +
                                        "': password: " + password.error().message);
      spec.password = std::move(*password);
    }
    spec.expires_s = settings.expires_s;
    spec.retry_min = std::chrono::seconds(settings.retry_min_s);
    spec.retry_max = std::chrono::seconds(settings.retry_max_s);
    std::uint64_t id = 0;
    auto registration = make_registration(spec, id);
    if (!registration)
      return make_error("config",
                        "sip.register '" + settings.name + "': " + registration.error().message);
    registrations_.push_back(std::move(*registration));
  }
  for (auto& registration : registrations_) registration->start();
  sync_trunk_registrations();
  return Ok{};
}

void Worker::sync_trunk_registrations() {
  if (!registrations_started_) return;
  std::map<std::string, const TrunkRegister*> wanted;
  if (trunks_ && !shutting_down_)
    for (const auto& rule : trunks_->rules())
      if (rule.registration) wanted[rule.name] = &*rule.registration;
  for (auto it = trunk_registrations_.begin(); it != trunk_registrations_.end();) {
    auto want = wanted.find(it->first);
    if (want != wanted.end() && *want->second == it->second.settings) {
      wanted.erase(want);  // running as it should
      ++it;
      continue;
    }
    logger_.info("sip", "registration trunk " + it->first + ": " +
                            (want == wanted.end() ? "no longer wanted (trunk or settings removed)"
                                                  : "settings changed: registering anew"));
    retire_registration(std::move(it->second.registration), it->second.id);
    it = trunk_registrations_.erase(it);
  }
  for (const auto& [name, settings] : wanted) {
    RegistrationSpec spec;
    spec.name = "trunk " + name;
    spec.registrar = settings->registrar;
    spec.aor = settings->aor;
    spec.contact_user = settings->contact_user;
    spec.transport = settings->transport;
    spec.username = settings->username;
    spec.password = settings->password;
    spec.expires_s = settings->expires_s;
    std::uint64_t id = 0;
    auto registration = make_registration(spec, id);
    if (!registration) {
      logger_.warn("sip", "registration trunk " + name + ": " + registration.error().message);
      continue;
    }
    (*registration)->start();
    trunk_registrations_[name] = {*settings, std::move(*registration), id};
  }
}

void Worker::retire_registration(std::unique_ptr<sip::Registration> registration,
                                 std::uint64_t id) {
  sip::Registration* raw = registration.get();
  retired_registrations_.push_back(std::move(registration));
  ++unregistering_;
  raw->stop([this, raw, id] {
    // Posted: stop() may call back before it returns, and from inside the registration.
    loop_->post([this, raw, id] {
      // Gone from the counts too: the metric shows the registrations there are.
      if (auto it = registration_states_.find(id); it != registration_states_.end()) {
        --registration_counts_[static_cast<std::size_t>(it->second)];
        registration_states_.erase(it);
      }
      auto& retired = retired_registrations_;
      retired.erase(std::remove_if(retired.begin(), retired.end(),
                                   [raw](const auto& r) { return r.get() == raw; }),
                    retired.end());
      if (--unregistering_ == 0 && stop_wanted_) finish();
    });
  });
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
  sync_trunk_registrations();  // shutting down: every trunk's binding is removed
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
  if (!has_registrations_) return {};
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
