// The Email and SMS modules: build the message (refusing private values), hand it to the
// host, wait, and take done / error. Part of Interpreter.
#include "flow/interpreter.h"
#include "flow/message_module.h"

namespace keyline::flow {

void Interpreter::run_message(const Module& module) {
  const bool email = module.type() == ModuleType::kEmail;
  // A secure deployment runs even a non-secure app as secure: still no email or SMS.
  if (app_.settings.secure) {
    message_failed(module, "a secure app cannot send email or SMS (not a secure channel)");
    return;
  }
  auto request =
      email ? build_email_request(module, variables_) : build_sms_request(module, variables_);
  if (!request) {
    message_failed(module, request.error().message);
    return;
  }
  state_ = State::kMessage;
  steps_since_wait_ = 0;
  const bool accepted = host_.send_message(*request);
  wipe(*request);
  if (!accepted) {
    state_ = State::kIdle;
    message_failed(module, email ? "this server sends no email (no email: section configured)"
                                 : "this server sends no SMS (no sms: section configured)");
  }
}

void Interpreter::message_finished(MessageResult result) {
  const Module& module = current();
  if (!result.sent) {
    message_failed(module, result.error.empty() ? "not sent" : result.error);
    return;
  }
  variables_.set(module.name, "sent");
  variables_.set(module.name + "$.id", result.id);
  variables_.set(module.name + "$.error", "");
  record("done");
  take_exit("done");
}

// An unwired error exit ends the call with the reason, as REST does.
void Interpreter::message_failed(const Module& module, const std::string& message) {
  variables_.set(module.name, "failed");
  variables_.set(module.name + "$.id", "");
  variables_.set(module.name + "$.error", message);
  record("error");
  if (auto it = module.exits.find("error"); it != module.exits.end()) {
    go_to(it->second);
    return;
  }
  finish(
      "error:" + std::string(module_type_name(module.type())) + " " + module.name + ": " + message,
      true);
}

}  // namespace keyline::flow
