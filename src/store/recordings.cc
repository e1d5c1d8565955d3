#include "store/recordings.h"

namespace keyline::store {

std::string_view upload_state_name(UploadState state) {
  switch (state) {
    case UploadState::kPending:
      return "pending";
    case UploadState::kUploaded:
      return "uploaded";
    case UploadState::kKept:
      return "kept";
    case UploadState::kFailed:
      return "failed";
  }
  return "kept";
}

std::optional<UploadState> parse_upload_state(std::string_view text) {
  for (auto s :
       {UploadState::kPending, UploadState::kUploaded, UploadState::kKept, UploadState::kFailed}) {
    if (upload_state_name(s) == text) return s;
  }
  return std::nullopt;
}

std::string url_without_secrets(std::string_view url) {
  const auto cut = url.find_first_of("?#");
  std::string out(url.substr(0, cut));
  const auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  const auto host_start = scheme + 3;
  const auto path_start = out.find('/', host_start);
  const auto at = out.find('@', host_start);
  if (at != std::string::npos && (path_start == std::string::npos || at < path_start))
    out.erase(host_start, at + 1 - host_start);
  return out;
}

}  // namespace keyline::store
