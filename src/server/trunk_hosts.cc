#include "server/trunk_hosts.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "sip/dns_source.h"
#include "sip/sip_resolver.h"
#include "sip/uri.h"

namespace keyline::server {

TrunkHostResolver::TrunkHostResolver(Lookup lookup) { shared_->lookup = std::move(lookup); }

TrunkHostResolver::~TrunkHostResolver() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->pending.reset();
  }
  shared_->wake.notify_all();
  // A report under way finishes before the owner goes; none starts after this.
  std::lock_guard wait(shared_->reporting);
}

void TrunkHostResolver::resolve(std::vector<std::string> names, Done done) {
  std::lock_guard lock(shared_->mutex);
  if (shared_->stopping) return;
  shared_->pending.emplace(std::move(names), std::move(done));
  if (!shared_->started) {
    shared_->started = true;
    std::thread([shared = shared_] { run(shared); }).detach();
  }
  shared_->wake.notify_one();
}

void TrunkHostResolver::run(const std::shared_ptr<Shared>& shared) {
  for (;;) {
    std::pair<std::vector<std::string>, Done> job;
    {
      std::unique_lock lock(shared->mutex);
      shared->wake.wait(lock, [&] { return shared->stopping || shared->pending.has_value(); });
      if (shared->stopping) return;
      job = std::move(*shared->pending);
      shared->pending.reset();
    }
    HostAddresses result;
    for (const auto& name : job.first) {
      auto addresses = shared->lookup(name);
      if (addresses.empty()) {
        if (auto it = shared->known.find(name); it != shared->known.end()) addresses = it->second;
      }
      result[name] = std::move(addresses);
    }
    shared->known = result;
    std::lock_guard report(shared->reporting);
    {
      std::lock_guard lock(shared->mutex);
      if (shared->stopping) return;
    }
    job.second(result);
  }
}

TrunkHostResolver::Lookup TrunkHostResolver::system_lookup() {
  // Built on the resolver's thread at its first look-up and used there only (the resolver and
  // its DNS state are not thread-safe).
  // SRV weights are not used here (A/AAAA only), so the random numbers need no strength.
  struct System {
    std::mt19937 rng{std::random_device{}()};
    sip::ResolvDnsSource source;
    sip::SipResolver resolver{source,
                              [] {
                                return std::chrono::duration_cast<Millis>(
                                    std::chrono::steady_clock::now().time_since_epoch());
                              },
                              [this] { return static_cast<std::uint32_t>(rng()); },
                              sip::system_host_addresses};
  };
  auto system = std::make_shared<std::unique_ptr<System>>();
  return [system](const std::string& name) {
    if (!*system) *system = std::make_unique<System>();
    std::vector<std::string> out;
    // With a port, RFC 3263 looks up A/AAAA records only (4.2): no NAPTR or SRV.
    auto uri = sip::parse_uri("sip:" + name + ":5060");
    if (!uri) return out;
    for (const auto& target : (*system)->resolver.resolve(*uri)) {
      std::string host = target.endpoint.host();
      if (std::find(out.begin(), out.end(), host) == out.end()) out.push_back(std::move(host));
    }
    return out;
  };
}

}  // namespace keyline::server
