#include "flow/app_egress.h"

#include <algorithm>
#include "base/strings.h"

namespace keyline::flow {
namespace {

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == ':';  // ':' for IPv6 literals
}

}  // namespace

std::string url_host(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return {};
    return to_lower(rest.substr(1, close - 1));
  }
  return to_lower(rest.substr(0, rest.find(':')));
}

bool egress_entry_matches(std::string_view entry, std::string_view host) {
  const std::string e = to_lower(entry);
  const std::string h = to_lower(host);
  if (h.empty()) return false;
  if (e.rfind("*.", 0) == 0) {
    const std::string suffix = e.substr(1);  // ".example.com"
    return h.size() > suffix.size() &&
           h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return e == h;
}

std::optional<std::string> app_egress_refusal(const AppSettings& settings, std::string_view url) {
  std::string scheme = to_lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
  if (settings.secure && scheme != "https://")
    return "a secure app calls web services over https:// only";
  if (!settings.egress) return std::nullopt;
  const std::string host = url_host(url);
  for (const auto& entry : *settings.egress) {
    if (egress_entry_matches(entry, host)) return std::nullopt;
  }
  return "egress_denied: host " + (host.empty() ? std::string("(none)") : host) +
         " is not on the app's egress list";
}

std::vector<std::string> check_egress_entries(const std::vector<std::string>& entries) {
  std::vector<std::string> problems;
  for (const auto& entry : entries) {
    const std::string_view name =
        entry.rfind("*.", 0) == 0 ? std::string_view(entry).substr(2) : std::string_view(entry);
    bool ok = !name.empty() && name.find('*') == std::string_view::npos &&
              name.find(':') == std::string_view::npos;
    for (char c : name) ok = ok && host_char(c);
    if (!ok)
      problems.push_back("'egress' entry '" + entry +
                         "' must be a host name (api.example.com) or *.domain, without scheme, "
                         "port or path");
  }
  return problems;
}

}  // namespace keyline::flow
