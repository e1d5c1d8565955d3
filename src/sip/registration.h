// Registering our Contact with a trunk's registrar (RFC 3261 10, as a UAC), so a carrier that
// routes to registered users sends our numbers' calls here. One Registration keeps one binding
// alive: REGISTER, answer a 401/407 digest challenge, refresh at half the granted interval,
// raise the interval on 423 Interval Too Brief (Min-Expires), back off after failures, and
// remove the binding (Expires: 0) on stop. Pure: requests leave through a Sender (the user
// agent's send_request in production) and time comes from a TimerService.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "sip/digest.h"
#include "sip/message.h"
#include "sip/timer_service.h"

namespace keyline::sip {

struct RegistrationConfig {
  std::string name;       // for logs and metrics
  std::string registrar;  // Request-URI: "sip:registrar.example.com" (RFC 3261 10.2)
  std::string aor;        // the address of record, in To and From: "sip:4420@example.com"
  std::string contact;    // the Contact header value: "<sip:4420@192.0.2.10:5060>"
  std::string username;   // digest; empty: challenges are not answered
  std::string password;
  int expires_s = 3600;      // asked for; the registrar may grant less (or more)
  Millis retry_min{30000};   // the first wait after a failure, doubled per failure...
  Millis retry_max{600000};  // ...up to this
  // The Call-ID every REGISTER of this binding carries (RFC 3261 10.2); empty: a random one.
  // A server with several workers picks one that its dispatch sends back to this worker.
  std::string call_id;
};

enum class RegistrationState { kIdle, kRegistering, kRegistered, kFailed, kUnregistered };
std::string_view registration_state_name(RegistrationState state);

class Registration {
 public:
  using FinalResponse = std::function<void(const Message& response)>;
  // Sends a REGISTER (the sender adds Via); `on_final` gets its final response, or a made-up
  // 408/503. An error means it could not be sent at all.
  using Sender = std::function<Status(Message request, FinalResponse on_final)>;
  using StateChanged = std::function<void(RegistrationState state, const std::string& why)>;

  Registration(RegistrationConfig config, TimerService& timers, IdGenerator& ids, Sender send,
               StateChanged changed);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  void start();
  // Removes the binding (Expires: 0) when there is one, then calls `done` (at once when there
  // is none). No refresh after this.
  void stop(std::function<void()> done);

  RegistrationState state() const { return state_; }
  // The interval the registrar granted in its last 2xx (0 before one).
  int granted_s() const { return granted_s_; }
  const RegistrationConfig& config() const { return config_; }

 private:
  void send(int expires_s, const std::optional<DigestChallenge>& challenge, bool proxy);
  void on_response(const Message& response, int expires_s);
  void on_success(const Message& response, int expires_s);
  void fail(const std::string& why, std::optional<Millis> retry_after);
  void schedule(Millis delay);
  void set_state(RegistrationState state, const std::string& why);
  int granted_interval(const Message& response, int asked) const;

  RegistrationConfig config_;
  TimerService& timers_;
  IdGenerator& ids_;
  Sender send_;
  StateChanged changed_;
  RegistrationState state_ = RegistrationState::kIdle;
  std::string call_id_;  // one per registration, kept across refreshes (RFC 3261 10.2.4)
  std::string from_tag_;
  unsigned cseq_ = 0;
  int asked_s_ = 0;  // what the next REGISTER asks for (raised by 423)
  int granted_s_ = 0;
  int auth_attempts_ = 0;  // answers to challenges for the REGISTER in flight
  int failures_ = 0;       // in a row, for the backoff
  TimerHandle timer_ = 0;
  bool stopping_ = false;
  std::function<void()> stopped_;
  // Responses may arrive after this object is gone (the UA outlives it at shutdown).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::sip
