#include "store/post_call_queue.h"

namespace keyline::store {

std::string encode_header_lines(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += '\n';
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> decode_header_lines(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos || colon == 0) continue;  // not written by us: skipped
    out.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
  }
  return out;
}

}  // namespace keyline::store
