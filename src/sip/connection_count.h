// Stream connections counted across every worker's transport, so sip.max_connections and
// max_connections_per_source hold for the server whichever worker the kernel hands a
// connection to. Thread-safe; taken once per connection, never per message.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace keyline::sip {

class ConnectionCount {
 public:
  // An inbound connection from `host`: counted and true, or false when a limit (0: none) is
  // reached.
  bool try_add(const std::string& host, std::size_t max_total, std::size_t max_per_source) {
    std::lock_guard lock(mutex_);
    if (max_total != 0 && total_ >= max_total) return false;
    std::size_t& from_host = per_host_[host];
    if (max_per_source != 0 && from_host >= max_per_source) {
      if (from_host == 0) per_host_.erase(host);
      return false;
    }
    ++from_host;
    ++total_;
    return true;
  }
  // A connection we opened ourselves: towards the total only.
  void add_outgoing() {
    std::lock_guard lock(mutex_);
    ++total_;
  }
  // `host` empty: an outgoing one.
  void remove(const std::string& host) {
    std::lock_guard lock(mutex_);
    if (total_ > 0) --total_;
    if (host.empty()) return;
    auto it = per_host_.find(host);
    if (it != per_host_.end() && --it->second == 0) per_host_.erase(it);
  }

 private:
  std::mutex mutex_;
  std::size_t total_ = 0;
  std::map<std::string, std::size_t> per_host_;
};

}  // namespace keyline::sip
