// Host names in stored trunks' allow lists (docs/sip.md, "Stored trunks in admission"),
// resolved on a thread of their own so that a slow DNS server never holds a worker, and again
// at every trunk reload so a carrier's changed addresses apply without an API write. The
// system look-up is the one registrars get (RFC 3263 with the port given: A/AAAA through the
// resolver's TTL cache, then getaddrinfo for names DNS does not know).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/trunk_admission.h"

namespace keyline::server {

class TrunkHostResolver {
 public:
  // Resolves one name (blocking; on the resolver's thread). Empty: no address.
  using Lookup = std::function<std::vector<std::string>(const std::string& name)>;
  using Done = std::function<void(const HostAddresses& addresses)>;

  explicit TrunkHostResolver(Lookup lookup);
  // Stops the thread; waits for a `done` under way, not for a look-up (a dead DNS server must
  // not hold a shutdown): the thread then ends alone and reports nothing.
  ~TrunkHostResolver();
  TrunkHostResolver(const TrunkHostResolver&) = delete;
  TrunkHostResolver& operator=(const TrunkHostResolver&) = delete;

  // Resolves `names` on the thread, then calls `done` there with the addresses of every name.
  // A name whose look-up found nothing keeps the addresses it had (a DNS hiccup must not
  // close a trunk). A request not started yet is replaced by a newer one.
  void resolve(std::vector<std::string> names, Done done);

  // The system's resolver (sip/dns_source.h), for production.
  static Lookup system_lookup();

 private:
  struct Shared {
    Lookup lookup;
    std::mutex mutex;
    std::condition_variable wake;
    std::optional<std::pair<std::vector<std::string>, Done>> pending;
    bool stopping = false;
    bool started = false;
    std::mutex reporting;  // held while `done` runs, so the destructor can wait it out
    HostAddresses known;   // the thread's only
  };
  static void run(const std::shared_ptr<Shared>& shared);
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace keyline::server
