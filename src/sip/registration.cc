#include "sip/registration.h"

#include <algorithm>

#include "base/strings.h"
#include "sip/uri.h"

namespace keyline::sip {
namespace {

std::optional<int> header_int(const Message& m, std::string_view name) {
  auto value = m.header(name);
  if (!value) return std::nullopt;
  return parse_int<int>(trim(*value));
}

// Two Contact URIs name the same binding when scheme, user, host and port match (RFC 3261
// 10.3 compares them by 19.1.4; our own Contact has no parameters worth comparing).
bool same_binding(const Uri& a, const Uri& b) {
  return a.scheme == b.scheme && unescape(a.user) == unescape(b.user) &&
         to_lower(a.host) == to_lower(b.host) && a.port == b.port;
}

}  // namespace

std::string_view registration_state_name(RegistrationState state) {
  switch (state) {
    case RegistrationState::kIdle:
      return "idle";
    case RegistrationState::kRegistering:
      return "registering";
    case RegistrationState::kRegistered:
      return "registered";
    case RegistrationState::kFailed:
      return "failed";
    case RegistrationState::kUnregistered:
      return "unregistered";
  }
  return "idle";
}

Registration::Registration(RegistrationConfig config, TimerService& timers, IdGenerator& ids,
                           Sender send, StateChanged changed)
    : config_(std::move(config)),
      timers_(timers),
      ids_(ids),
      send_(std::move(send)),
      changed_(std::move(changed)) {
  call_id_ = config_.call_id.empty() ? ids_.token(20) : config_.call_id;
  from_tag_ = ids_.token(10);
  asked_s_ = config_.expires_s;
}

Registration::~Registration() {
  *alive_ = false;
  timers_.cancel(timer_);
}

void Registration::start() {
  stopping_ = false;
  auth_attempts_ = 0;
  set_state(RegistrationState::kRegistering, "registering with " + config_.registrar);
  send(asked_s_, std::nullopt, false);
}

void Registration::stop(std::function<void()> done) {
  timers_.cancel(timer_);
  timer_ = 0;
  const bool bound =
      state_ == RegistrationState::kRegistered || state_ == RegistrationState::kRegistering;
  stopping_ = true;
  if (!bound) {
    set_state(RegistrationState::kUnregistered, "stopped");
    if (done) done();
    return;
  }
  stopped_ = std::move(done);
  auth_attempts_ = 0;
  send(0, std::nullopt, false);
}

void Registration::send(int expires_s, const std::optional<DigestChallenge>& challenge,
                        bool proxy) {
  Message m;
  m.request = true;
  m.method = "REGISTER";
  m.request_uri = config_.registrar;
  m.add_header("From", "<" + config_.aor + ">;tag=" + from_tag_);
  m.add_header("To", "<" + config_.aor + ">");
  m.add_header("Call-ID", call_id_);
  m.add_header("CSeq", std::to_string(++cseq_) + " REGISTER");
  m.add_header("Contact", config_.contact);
  m.add_header("Expires", std::to_string(expires_s));
  if (challenge)
    m.add_header(proxy ? "Proxy-Authorization" : "Authorization",
                 make_authorization(*challenge, config_.username, config_.password, "REGISTER",
                                    config_.registrar, ids_.token(16), 1));
  std::weak_ptr<bool> alive = alive_;
  auto sent = send_(std::move(m), [this, alive, expires_s](const Message& response) {
    if (alive.expired()) return;
    on_response(response, expires_s);
  });
  if (!sent) fail("REGISTER could not be sent: " + sent.error().message, std::nullopt);
}

void Registration::on_response(const Message& response, int expires_s) {
  // A refresh's answer that arrives after stop(): only the un-REGISTER's counts now.
  if (stopping_ && expires_s != 0) return;
  const int status = response.status;
  if (status == 401 || status == 407) {
    const bool proxy = status == 407;
    auto challenge =
        pick_challenge(response.header_values(proxy ? "Proxy-Authenticate" : "WWW-Authenticate"));
    // One answer per challenge; a second one only when the registrar says our nonce was
    // stale (RFC 2617 3.2.1). Anything else means the credentials are wrong.
    if (!config_.username.empty() && challenge && auth_attempts_ < (challenge->stale ? 2 : 1)) {
      ++auth_attempts_;
      send(expires_s, challenge, proxy);
      return;
    }
    auth_attempts_ = 0;
    return fail(config_.username.empty()
                    ? "the registrar asks for credentials and none are set"
                    : "the registrar refused the credentials (" + std::to_string(status) + ")",
                std::nullopt);
  }
  auth_attempts_ = 0;
  if (status == 423 && expires_s != 0) {
    // RFC 3261 10.2.8: ask again for at least Min-Expires.
    auto min = header_int(response, "Min-Expires");
    if (min && *min > expires_s && *min <= 86400 * 7) {
      asked_s_ = *min;
      send(asked_s_, std::nullopt, false);
      return;
    }
    return fail("423 without a usable Min-Expires", std::nullopt);
  }
  if (status >= 200 && status < 300) {
    if (expires_s == 0) {
      set_state(RegistrationState::kUnregistered, "binding removed");
      if (auto done = std::move(stopped_)) done();
      return;
    }
    return on_success(response, expires_s);
  }
  std::optional<Millis> retry_after;
  if (auto seconds = header_int(response, "Retry-After"); seconds && *seconds >= 0)
    retry_after = Millis(static_cast<std::int64_t>(*seconds) * 1000);
  fail(std::to_string(status) + " " + response.reason, retry_after);
}

int Registration::granted_interval(const Message& response, int asked) const {
  // RFC 3261 10.2.4: the 200 lists every binding of the AOR with its expires parameter; ours is
  // the one whose URI is our Contact's. Else the Expires header, else what we asked.
  auto ours = parse_name_addr(config_.contact);
  if (ours) {
    for (auto value : response.header_values("Contact")) {
      auto contact = parse_name_addr(value);
      if (!contact || !same_binding(contact->uri, ours->uri)) continue;
      for (const auto& [name, param] : contact->params)
        if (to_lower(name) == "expires")
          if (auto seconds = parse_int<int>(param)) return *seconds;
    }
  }
  if (auto seconds = header_int(response, "Expires")) return *seconds;
  return asked;
}

void Registration::on_success(const Message& response, int expires_s) {
  granted_s_ = granted_interval(response, expires_s);
  if (granted_s_ <= 0) return fail("the registrar granted no time", std::nullopt);
  failures_ = 0;
  set_state(RegistrationState::kRegistered,
            "registered for " + std::to_string(granted_s_) + " s at " + config_.registrar);
  if (stopping_) return;  // stop() came while this REGISTER was in flight: it sends Expires 0
  // Half the granted time leaves room for a retransmitted, challenged refresh.
  schedule(Millis(static_cast<std::int64_t>(granted_s_) * 500));
}

void Registration::fail(const std::string& why, std::optional<Millis> retry_after) {
  if (stopping_) {
    // The un-REGISTER failed: the binding expires by itself at the registrar.
    set_state(RegistrationState::kUnregistered, "un-REGISTER failed: " + why);
    if (auto done = std::move(stopped_)) done();
    return;
  }
  ++failures_;
  set_state(RegistrationState::kFailed, why);
  // Doubling from retry_min up to retry_max; a registrar's Retry-After is honoured when longer.
  Millis delay = config_.retry_min;
  for (int i = 1; i < failures_ && delay < config_.retry_max; ++i) delay *= 2;
  delay = std::min(delay, config_.retry_max);
  if (retry_after && *retry_after > delay) delay = *retry_after;
  schedule(delay);
}

void Registration::schedule(Millis delay) {
  timers_.cancel(timer_);
  std::weak_ptr<bool> alive = alive_;
  timer_ = timers_.schedule(delay, [this, alive] {
    if (alive.expired()) return;
    timer_ = 0;
    if (stopping_) return;
    auth_attempts_ = 0;
    if (state_ != RegistrationState::kRegistered)
      set_state(RegistrationState::kRegistering, "registering with " + config_.registrar);
    send(asked_s_, std::nullopt, false);
  });
}

void Registration::set_state(RegistrationState state, const std::string& why) {
  state_ = state;
  if (changed_) changed_(state, why);
}

}  // namespace keyline::sip
