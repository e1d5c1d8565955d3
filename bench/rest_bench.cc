// REST module round trip: what Keyline adds over the web service's own latency (issue 7 target:
// <= 1 ms). All three talk to the same local HTTPS server (libmicrohttpd, TLS, keep-alive):
//   CurlEasyBaseline  a blocking libcurl easy handle — the server's latency plus curl's own
//                     work, the floor any client pays (curl is included here as the independent
//                     baseline; in src/ only services/ includes it);
//   HttpClient        services::HttpClient on an io::EventLoop (curl multi driven by the loop);
//   RestModule        the whole path: interpreter builds the request from variables, the host
//                     hands it to HttpClient, the JSON answer is parsed into the module variable
//                     and the next module (a prompt) starts.
// Overhead = RestModule - CurlEasyBaseline. Figures go to docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "api/tls_identity.h"
#include "flow/interpreter.h"
#include "io/event_loop.h"
#include "services/http_client.h"
#include "test_web_server.h"

namespace {

using namespace keyline;

struct Fixture {
  Fixture() {
    char tmpl[] = "/tmp/keyline-rest-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    identity = *api::load_or_create_tls_identity("", "", dir);
    server =
        std::make_unique<services::testing::TestWebServer>(identity.cert_pem, identity.key_pem);
    loop = io::EventLoop::create().value();
    services::HttpClientConfig c;
    c.egress = *services::EgressPolicy::parse({"127.0.0.1"}, true);
    c.ca_file = identity.cert_path;
    client = services::HttpClient::create(*loop, c, nullptr).value();
  }
  ~Fixture() {
    client.reset();
    server.reset();
    std::filesystem::remove_all(dir);
  }
  std::string url() const { return server->base() + "/json"; }

  std::string dir;
  api::TlsIdentity identity;
  std::unique_ptr<services::testing::TestWebServer> server;
  std::unique_ptr<io::EventLoop> loop;
  std::unique_ptr<services::HttpClient> client;
};

Fixture& fixture() {
  static Fixture f;  // one server and one warm connection pool for every benchmark
  return f;
}

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

void CurlEasyBaseline(benchmark::State& state) {
  Fixture& f = fixture();
  CURL* easy = curl_easy_init();
  const std::string url = f.url();
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_CAINFO, f.identity.cert_path.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
  for (auto _ : state) {
    if (curl_easy_perform(easy) != CURLE_OK) state.SkipWithError("request failed");
  }
  curl_easy_cleanup(easy);
}
BENCHMARK(CurlEasyBaseline)->Unit(benchmark::kMicrosecond)->UseRealTime();

void HttpClientRoundTrip(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) {
    services::HttpRequest r;
    r.url = f.url();
    bool ok = false;
    f.client->start(std::move(r), [&](services::HttpResponse response) {
      ok = response.ok() && response.status == 200;
      f.loop->stop();
    });
    f.loop->run();
    if (!ok) state.SkipWithError("request failed");
  }
}
BENCHMARK(HttpClientRoundTrip)->Unit(benchmark::kMicrosecond)->UseRealTime();

// A FlowHost like the server's call session, minus SIP and media: REST through HttpClient, and
// a prompt ends the measured round.
class LoopHost final : public flow::FlowHost {
 public:
  explicit LoopHost(Fixture& f) : f_(f) {}
  void play(const flow::PlayRequest& request) override {
    heard = request.text;
    f_.loop->stop();
  }
  void stop_playback() override {}
  void start_timer(std::chrono::milliseconds) override {}
  void cancel_timer() override {}
  void hangup() override { f_.loop->stop(); }
  void web_request(const flow::WebRequest& request) override {
    services::HttpRequest r;
    r.method = request.method;
    r.url = request.url;
    r.headers = request.headers;
    r.body = request.body;
    f_.client->start(std::move(r), [this](services::HttpResponse response) {
      flow::WebResponse w;
      w.status = response.status;
      w.headers = std::move(response.headers);
      w.body = std::move(response.body);
      interpreter->on_web_response(std::move(w));
    });
  }
  void cancel_web_request() override {}
  std::chrono::system_clock::time_point wall_now() const override { return {}; }

  flow::Interpreter* interpreter = nullptr;
  std::string heard;

 private:
  Fixture& f_;
};

void RestModuleRoundTrip(benchmark::State& state) {
  Fixture& f = fixture();
  const std::string json = R"({"name": "b", "variables": {"account": "12345"}, "pages": [
    {"name": "p", "modules": [
      {"type": "rest", "name": "pay", "method": "GET",
       "url": ")" + f.url() +
                           R"(?account={{account}}"},
      {"type": "prompt", "name": "say", "text": "{{pay.data.status}} {{pay.data.reference}}"}]}]})";
  auto app = flow::parse_app(json, "bench.json");
  if (!app) {
    state.SkipWithError(app.error().message.c_str());
    return;
  }
  LoopHost host(f);
  for (auto _ : state) {
    flow::Interpreter interpreter(*app, host, {});
    host.interpreter = &interpreter;
    interpreter.start();
    f.loop->run();
    if (host.heard != "approved ch_1") state.SkipWithError("unexpected answer");
  }
}
BENCHMARK(RestModuleRoundTrip)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
