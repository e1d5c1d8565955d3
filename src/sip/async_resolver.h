// RFC 3263 look-ups off the worker's loop: AsyncSipResolver runs a SipResolver (and its TTL
// cache) on a thread of its own, started at the first look-up, and posts each result back to
// the loop that asked, so a slow DNS server never blocks calls in progress.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "io/event_loop.h"
#include "sip/sip_resolver.h"
#include "sip/uri.h"

namespace keyline::sip {

// What the user agent asks for targets (sip/user_agent.h); `done` runs on the UA's thread.
class TargetResolver {
 public:
  using Done = std::function<void(std::vector<SipTarget>)>;
  virtual ~TargetResolver() = default;
  virtual void resolve(const Uri& uri, Done done) = 0;
};

class AsyncSipResolver final : public TargetResolver {
 public:
  // With the system's DNS (res_nquery, then getaddrinfo for names DNS does not know).
  explicit AsyncSipResolver(io::EventLoop& loop);
  // With another source (canned answers in tests); no host fallback.
  AsyncSipResolver(io::EventLoop& loop, std::unique_ptr<DnsSource> source);
  // Drops what is queued and does not wait for a look-up under way (a dead DNS server must
  // not hold a shutdown): the thread finishes it alone and reports nothing.
  ~AsyncSipResolver() override;
  AsyncSipResolver(const AsyncSipResolver&) = delete;
  AsyncSipResolver& operator=(const AsyncSipResolver&) = delete;

  void resolve(const Uri& uri, Done done) override;

 private:
  // Shared with the thread, which may outlive this object (see the destructor).
  struct Shared {
    io::EventLoop* loop = nullptr;  // not touched once `stopping` is set
    std::unique_ptr<DnsSource> source;
    std::unique_ptr<SipResolver> resolver;  // used on the thread only
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::pair<Uri, Done>> queue;
    bool stopping = false;
    bool started = false;
  };
  static void run(const std::shared_ptr<Shared>& shared);

  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace keyline::sip
