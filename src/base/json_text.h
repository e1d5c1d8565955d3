// JSON text helpers shared by every layer that writes JSON (the API's
// responses, flow values rendered for logs and scenarios).
#pragma once

#include <string>
#include <string_view>

namespace keyline {

// Appends `s` to `out` as a JSON string literal (RFC 8259): quotes, the
// backslash and control characters escaped; other bytes (UTF-8) kept as they are.
void append_json_string(std::string& out, std::string_view s);

}  // namespace keyline
