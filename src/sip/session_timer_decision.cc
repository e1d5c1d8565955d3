#include <algorithm>
#include <charconv>

#include "base/strings.h"
#include "sip/session_timer.h"

namespace keyline::sip {
namespace {

// The delta-seconds at the front of a Session-Expires or Min-SE value; nullopt if malformed.
std::optional<int> leading_seconds(std::string_view value) {
  std::string_view v = trim(value);
  std::size_t end = 0;
  while (end < v.size() && v[end] >= '0' && v[end] <= '9') ++end;
  if (end == 0 || end > 9) return std::nullopt;
  int n = 0;
  std::from_chars(v.data(), v.data() + end, n);
  return n;
}

// The refresher= parameter of a Session-Expires value ("uac", "uas" or empty).
std::string refresher_param(std::string_view value) {
  std::string lower = to_lower(value);
  auto at = lower.find("refresher=");
  if (at == std::string::npos) return {};
  std::string_view rest = std::string_view(lower).substr(at + 10);
  return std::string(trim(rest.substr(0, rest.find(';'))));
}

bool lists_timer(const Message& m, std::string_view header) {
  for (auto v : m.header_values(header))
    if (iequals(trim(v), "timer")) return true;
  return false;
}

}  // namespace

SessionTimerDecision decide_session_timer(const Message& request,
                                          const SessionTimerSettings& settings) {
  SessionTimerDecision d;
  if (!settings.enabled) return d;
  d.peer_supports = lists_timer(request, "Supported") || lists_timer(request, "Require");
  // "x" is Session-Expires' compact form; Message::header knows it.
  auto se = request.header("Session-Expires");
  int floor = std::max(settings.min_se_s, 90);
  if (auto min_se = request.header("Min-SE"))
    if (auto n = leading_seconds(*min_se)) floor = std::max(floor, *n);
  if (se) {
    auto interval = leading_seconds(*se);
    if (!interval) return d;  // unreadable: treated as absent rather than refusing the call
    if (*interval < floor) {
      d.too_small = true;
      d.min_se_s = floor;
      return d;
    }
    d.active = true;
    d.interval_s = *interval;
    std::string who = refresher_param(*se);
    if (who == "uas") {
      d.refresher = Refresher::kUs;
    } else if (who == "uac" || d.peer_supports) {
      d.refresher = Refresher::kPeer;
    } else {
      d.refresher = Refresher::kUs;  // a peer without "timer" cannot refresh for us
    }
    return d;
  }
  if (!d.peer_supports) return d;
  d.active = true;
  d.interval_s = std::max(settings.session_expires_s, floor);
  d.refresher = Refresher::kPeer;
  return d;
}

std::string session_expires_value(const SessionTimerDecision& decision) {
  return std::to_string(decision.interval_s) +
         (decision.refresher == Refresher::kUs ? ";refresher=uas" : ";refresher=uac");
}

int refresh_after_s(int interval_s) { return std::max(1, interval_s / 2); }

int expire_after_s(int interval_s) {
  return std::max(1, interval_s - std::min(32, interval_s / 3));
}

}  // namespace keyline::sip
