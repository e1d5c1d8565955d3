#include "store/outbound_repository.h"

#include <array>
#include <cstdlib>

#include "store/lines.h"

namespace keyline::store {
namespace {

constexpr std::array<std::string_view, 6> kNames = {"queued",    "dialing", "connected",
                                                    "completed", "failed",  "canceled"};

}  // namespace

std::string_view outbound_status_name(OutboundStatus status) {
  return kNames[static_cast<std::size_t>(status)];
}

std::optional<OutboundStatus> parse_outbound_status(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<OutboundStatus>(i);
  return std::nullopt;
}

bool outbound_final(OutboundStatus status) {
  return status == OutboundStatus::kCompleted || status == OutboundStatus::kFailed ||
         status == OutboundStatus::kCanceled;
}

std::string encode_outbound_events(const std::vector<OutboundEvent>& events) {
  std::vector<std::string> lines;
  lines.reserve(events.size());
  for (const auto& e : events) lines.push_back(e.event + " " + std::to_string(e.at_unix_ms));
  return join_lines(lines);
}

std::vector<OutboundEvent> decode_outbound_events(const std::string& text) {
  std::vector<OutboundEvent> out;
  for (const auto& line : split_lines(text)) {
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out.push_back({line.substr(0, space), std::strtoll(line.c_str() + space + 1, nullptr, 10)});
  }
  return out;
}

}  // namespace keyline::store
