// New HTTPS connections per second from services::HttpClient, with and without TLS session
// resumption (issue 7: many calls waiting on a slow service open many connections to it). The
// server (tests/services/tls_resume_server.h, OpenSSL, one connection at a time) closes every
// connection after its answer, so each request is a TCP connect plus a TLS handshake:
//   NewConnectionResumed  one client for every request: its shared session cache resumes;
//   NewConnectionFull     a new client per request: a full handshake each time (what every
//                         connection paid before the share handle).
// Both client and server run on this machine, so the figure includes the server's half of
// each handshake. Figures go to docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "api/tls_identity.h"
#include "io/event_loop.h"
#include "services/http_client.h"
#include "tls_resume_server.h"

namespace {

using namespace keyline;

struct Fixture {
  Fixture() {
    char tmpl[] = "/tmp/keyline-tls-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    identity = *api::load_or_create_tls_identity("", "", dir);
    server =
        std::make_unique<services::testing::TlsResumeServer>(identity.cert_pem, identity.key_pem);
    loop = io::EventLoop::create().value();
  }
  ~Fixture() {
    server.reset();
    std::filesystem::remove_all(dir);
  }
  std::unique_ptr<services::HttpClient> client() const {
    services::HttpClientConfig c;
    c.egress = *services::EgressPolicy::parse({"127.0.0.1"}, true);
    c.ca_file = identity.cert_path;
    return services::HttpClient::create(*loop, c, nullptr).value();
  }
  // One GET on a new connection; the server's body says how the handshake went.
  std::string fetch(services::HttpClient& c) {
    std::string body;
    services::HttpRequest r;
    r.url = server->base() + "/";
    c.start(std::move(r), [&](services::HttpResponse response) {
      body = response.ok() ? response.body : "failed";
      loop->stop();
    });
    loop->run();
    return body;
  }

  std::string dir;
  api::TlsIdentity identity;
  std::unique_ptr<services::testing::TlsResumeServer> server;
  std::unique_ptr<io::EventLoop> loop;
};

void NewConnectionResumed(benchmark::State& state) {
  Fixture f;
  auto client = f.client();
  f.fetch(*client);  // the one full handshake
  for (auto _ : state) {
    if (f.fetch(*client) != "resumed") state.SkipWithError("the session was not resumed");
  }
}
BENCHMARK(NewConnectionResumed)->Unit(benchmark::kMicrosecond)->UseRealTime();

void NewConnectionFull(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto client = f.client();
    if (f.fetch(*client) != "new") state.SkipWithError("unexpected resumption");
  }
}
BENCHMARK(NewConnectionFull)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
