#include "sip/async_resolver.h"

#include <chrono>
#include <random>
#include <thread>

#include "sip/dns_source.h"

namespace keyline::sip {
namespace {

Millis steady_now() {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace

AsyncSipResolver::AsyncSipResolver(io::EventLoop& loop)
    : AsyncSipResolver(loop, std::make_unique<ResolvDnsSource>()) {
  shared_->resolver->set_fallback(system_host_addresses);
}

AsyncSipResolver::AsyncSipResolver(io::EventLoop& loop, std::unique_ptr<DnsSource> source) {
  shared_->loop = &loop;
  shared_->source = std::move(source);
  auto rng = std::make_shared<std::mt19937>(std::random_device{}());
  shared_->resolver =
      std::make_unique<SipResolver>(*shared_->source, steady_now, [rng] { return (*rng)(); });
}

AsyncSipResolver::~AsyncSipResolver() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->queue.clear();
  }
  shared_->wake.notify_all();
}

void AsyncSipResolver::resolve(const Uri& uri, Done done) {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->queue.emplace_back(uri, std::move(done));
    if (!shared_->started) {
      shared_->started = true;
      std::thread([shared = shared_] { run(shared); }).detach();
    }
  }
  shared_->wake.notify_one();
}

void AsyncSipResolver::run(const std::shared_ptr<Shared>& shared) {
  for (;;) {
    std::pair<Uri, Done> job;
    {
      std::unique_lock lock(shared->mutex);
      shared->wake.wait(lock, [&] { return shared->stopping || !shared->queue.empty(); });
      if (shared->stopping) return;
      job = std::move(shared->queue.front());
      shared->queue.pop_front();
    }
    auto targets = shared->resolver->resolve(job.first);
    std::lock_guard lock(shared->mutex);
    if (shared->stopping) return;  // the owner (and maybe its loop) is gone
    shared->loop->post([done = std::move(job.second), targets = std::move(targets)]() mutable {
      done(std::move(targets));
    });
  }
}

}  // namespace keyline::sip
