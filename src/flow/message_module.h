// The Email and SMS modules' request building, apart from the interpreter's state machine:
// recipients checked, placeholders filled, private values refused (neither channel is secure)
// and the text passed through the redaction path before it leaves.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"
#include "flow/app_document.h"
#include "flow/message_request.h"
#include "flow/variables.h"

namespace keyline::flow {

inline constexpr std::size_t kMaxEmailRecipients = 20;  // to + cc each
inline constexpr std::size_t kMaxMessageBody = 64 * 1024;
inline constexpr std::size_t kMaxSmsText = 1600;  // ten concatenated segments

// A plain "local@domain" address: printable ASCII, no blanks, brackets, quotes or line
// breaks (nothing that could start another SMTP header or command), a dotted domain.
bool is_email_address(std::string_view text);

// "+" and 8 to 15 digits, the first not 0 (ITU-T E.164). The server checks the number again
// against the numbering plan (libphonenumber) before it sends.
bool is_e164_number(std::string_view text);

// "+1 (415) 555-0123" -> "+14155550123": drops blanks, dashes, dots and parentheses.
std::string compact_phone_number(std::string_view text);

// Fails, with nothing sent, when a private value (or a private module) would be in the message,
// when a recipient is not valid after substitution, or when a text is too long.
Result<MessageRequest> build_email_request(const Module& module, const Variables& variables);
Result<MessageRequest> build_sms_request(const Module& module, const Variables& variables);

// Overwrites what a request holds.
void wipe(MessageRequest& request);

}  // namespace keyline::flow
