// Email and SMS modules in a call: the message goes out through the worker's SMTP client or
// the SMS provider's HTTP client, and the result comes back on the worker's loop. A message
// already handed over is not withdrawn when the caller hangs up (a confirmation email should
// still arrive); its result is then dropped.
#include "base/secure_wipe.h"
#include "flow/app_egress.h"
#include "flow/json_value.h"
#include "privacy/redact.h"
#include "server/call_session.h"
#include "server/worker.h"
#include "services/phone_number.h"

namespace keyline::server {
namespace {

// The provider's message id ("sid" as Twilio has it, else "id" / "message_id"), if its answer
// is a JSON object that has one.
std::string provider_message_id(const std::string& body) {
  auto parsed = flow::parse_json_value(body, false);
  if (!parsed || parsed->kind() != flow::Value::Kind::kMap) return "";
  for (const char* key : {"sid", "id", "message_id"}) {
    const flow::Value v = parsed->member(key);
    if (v.kind() == flow::Value::Kind::kString || v.kind() == flow::Value::Kind::kNumber) {
      std::string id = v.to_text();
      if (id.size() <= 128) return id;
    }
  }
  return "";
}

}  // namespace

bool CallSession::send_message(const flow::MessageRequest& request) {
  cancel_message();
  std::weak_ptr<bool> alive = alive_;
  const std::string module = request.module;
  if (request.channel == flow::MessageRequest::Channel::kEmail) {
    if (!ctx_.smtp) return false;
    services::EmailMessage m;
    m.to = request.to;
    m.cc = request.cc;
    m.subject = request.subject;
    m.body = request.body;
    smtp_id_ = ctx_.smtp->send(std::move(m), [this, alive, module](services::SmtpResult r) {
      if (alive.expired() || ended_) return;
      smtp_id_ = 0;
      flow::MessageResult result;
      result.sent = r.ok;
      result.error = std::move(r.error);
      message_done("email " + module, std::move(result), r.elapsed);
    });
    return true;
  }
  if (!ctx_.sms_http || !ctx_.sms || request.to.empty()) return false;
  // The flow checked the E.164 shape; the numbering plan is checked here, before anything is
  // sent. Neither the number nor the text is ever logged whole.
  auto number = services::normalize_phone_number(request.to.front());
  const std::string masked = privacy::mask_caller_id(request.to.front());
  if (!number) {
    ctx_.logger.info("call", record_.call_id + " sms " + module + " to " + masked +
                                 " refused: " + number.error().message);
    flow::MessageResult result;
    result.error = "invalid_number: " + number.error().message;
    // Delivered from the loop, never from inside send_message().
    ctx_.loop.post([this, alive, result]() mutable {
      if (alive.expired() || ended_ || !interpreter_) return;
      interpreter_->on_message_done(std::move(result));
    });
    return true;
  }
  services::HttpRequest http = services::build_sms_request(*ctx_.sms, *number, request.body);
  secure_wipe(*number);
  sms_id_ = ctx_.sms_http->start(
      std::move(http), [this, alive, module, masked](services::HttpResponse response) {
        if (alive.expired() || ended_) return;
        sms_id_ = 0;
        flow::MessageResult result;
        if (!response.ok()) {
          result.error = std::string(services::http_error_name(response.error)) + ": " +
                         response.error_message;
        } else if (response.status < 200 || response.status >= 300) {
          result.error = "the SMS provider answered HTTP " + std::to_string(response.status);
        } else {
          result.sent = true;
          result.id = provider_message_id(response.body);
        }
        secure_wipe(response.body);
        message_done("sms " + module + " to " + masked, std::move(result), response.elapsed);
      });
  return true;
}

void CallSession::cancel_message() {
  // Not withdrawn (see above): forgetting the ids is enough, the callbacks check ended_.
  smtp_id_ = 0;
  sms_id_ = 0;
}

void CallSession::message_done(const std::string& what, flow::MessageResult result,
                               std::chrono::microseconds elapsed) {
  // The module and the outcome; never an address, a number or the text.
  ctx_.logger.info("call", record_.call_id + " " + what + " -> " +
                               (result.sent ? std::string("sent") : result.error) + " in " +
                               std::to_string(elapsed.count() / 1000) + " ms");
  if (interpreter_) interpreter_->on_message_done(std::move(result));
}

Status Worker::start_messaging() {
  const MessagingSettings& m = config_.messaging;
  if (m.email) {
    auto smtp = services::SmtpClient::create(*loop_, *m.email, &logger_);
    if (!smtp) return make_error("config", "email: " + smtp.error().message);
    smtp_ = std::move(*smtp);
  }
  if (m.sms) {
    services::HttpClientConfig c;
    c.ca_file = m.sms_ca_file;
    c.proxy = config_.http.client.proxy;
    const std::string host = flow::url_host(m.sms->url);
    auto policy = services::EgressPolicy::parse({host}, true);
    if (!policy) return make_error("config", "sms.url: " + policy.error().message);
    c.egress = std::move(*policy);
    auto client = services::HttpClient::create(*loop_, std::move(c), &logger_);
    if (!client) return client.error();
    sms_http_ = std::move(*client);
  }
  return Ok{};
}

}  // namespace keyline::server
