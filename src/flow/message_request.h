// The Email and SMS modules' request and the host's answer. Plain data: flow never includes an
// SMTP or HTTP library; the host (the server's call session, the scenario runner, a test)
// sends the message through the operator's configured relay or provider and reports back
// through Interpreter::on_message_done().
//
// Neither channel is secure (SMTP relays and SMS carriers keep copies), so a request never
// holds a private value: the interpreter refuses to build one, and the text has been through
// the redaction path (privacy/redact.h) as well.
#pragma once

#include <string>
#include <vector>

namespace keyline::flow {

struct MessageRequest {
  enum class Channel { kEmail, kSms } channel = Channel::kEmail;
  std::vector<std::string> to;  // email addresses, or one E.164 number ("+14155550123")
  std::vector<std::string> cc;  // email only
  std::string subject;          // email only
  std::string body;             // the email body or the SMS text
  std::string module;           // the module's name, for the host's log lines
};

struct MessageResult {
  bool sent = false;
  // Not sent: what went wrong, with no value in it ("smtp: connection refused").
  std::string error;
  std::string id;  // the provider's message id, when it gives one (may be empty)
};

}  // namespace keyline::flow
