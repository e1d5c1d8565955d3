// Costs of SIP security: a digest check (SHA-256, MD5) and a challenge, and
// an INVITE-sized request/response over TLS on loopback, once on a reused
// connection and once with a new connection and full handshake each time
// (what "calls per second with/without TLS connection reuse" is bounded
// by). The certificates are made with the openssl CLI in a temporary
// directory, as the TLS integration test does.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/clock.h"
#include "base/secure_random.h"
#include "io/tls.h"
#include "sip/digest.h"
#include "sip/digest_authenticator.h"
#include "sip/message.h"

namespace {

using namespace keyline;

const std::string kInviteHead =
    "INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:a@x>;tag=1\r\nTo: <sip:100@x>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
    "Max-Forwards: 70\r\n";

void digest_check(benchmark::State& state, sip::DigestAlgorithm alg) {
  SystemClock clock;
  sip::DigestAuthConfig config;
  config.realm = "bench";
  config.users = {{"alice", "s3cret"}};
  auto auth = sip::DigestAuthenticator::create(config, clock, fill_secure_random);
  auto first =
      std::get<sip::Message>(sip::parse_message(kInviteHead + "Content-Length: 0\r\n\r\n"));
  auto outcome = (*auth)->check(first, "192.0.2.1");
  std::optional<sip::DigestChallenge> challenge;
  for (auto& c : outcome.challenges)
    if (auto p = sip::parse_digest_challenge(c); p && p->algorithm == alg) challenge = p;
  unsigned nc = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string text = kInviteHead + "Authorization: " +
                       sip::make_authorization(*challenge, "alice", "s3cret", "INVITE",
                                               "sip:100@127.0.0.1", "cnonce", ++nc) +
                       "\r\nContent-Length: 0\r\n\r\n";
    auto invite = std::get<sip::Message>(sip::parse_message(text));
    state.ResumeTiming();
    auto result = (*auth)->check(invite, "192.0.2.1");
    if (result.verdict != sip::AuthVerdict::kOk) state.SkipWithError("not accepted");
    benchmark::DoNotOptimize(result);
  }
}

void BM_DigestCheckSha256(benchmark::State& state) {
  digest_check(state, sip::DigestAlgorithm::kSha256);
}
void BM_DigestCheckMd5(benchmark::State& state) { digest_check(state, sip::DigestAlgorithm::kMd5); }

void BM_DigestChallenge(benchmark::State& state) {
  SystemClock clock;
  auto auth =
      sip::DigestAuthenticator::create({"bench", {{"alice", "s3cret"}}}, clock, fill_secure_random);
  auto invite =
      std::get<sip::Message>(sip::parse_message(kInviteHead + "Content-Length: 0\r\n\r\n"));
  for (auto _ : state) benchmark::DoNotOptimize((*auth)->check(invite, "192.0.2.1"));
}

// ---- TLS -----------------------------------------------------------------

struct TlsFixture {
  std::string dir;
  std::unique_ptr<io::EventLoop> loop;
  std::unique_ptr<io::TlsListener> listener;
  std::vector<std::shared_ptr<io::TlsConnection>> accepted;
  std::shared_ptr<io::TlsContext> client;
  std::string request = std::string(900, 'x');  // an INVITE with SDP is about this size
  std::string response = std::string(450, 'y');

  bool open() {
    char tmpl[] = "/tmp/keyline-bench-XXXXXX";
    if (!mkdtemp(tmpl)) return false;
    dir = tmpl;
    std::string cmd =
        "cd " + dir +
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem"
        " -out c.pem -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1"
        " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return false;
    auto created = io::EventLoop::create();
    if (!created) return false;
    loop = std::move(created.value());
    auto server = io::TlsContext::server({dir + "/c.pem", dir + "/k.pem", "", false});
    auto client_ctx = io::TlsContext::client({dir + "/c.pem"});
    if (!server || !client_ctx) return false;
    client = *client_ctx;
    auto l = io::TlsListener::listen(*loop, *io::Endpoint::parse("127.0.0.1", 0), *server,
                                     [this](std::shared_ptr<io::TlsConnection> c) {
                                       c->set_handlers(
                                           [this](io::Stream& s, std::string& buf) {
                                             if (buf.size() < request.size()) return;
                                             buf.clear();
                                             s.send(response);
                                           },
                                           nullptr);
                                       accepted.push_back(std::move(c));
                                     });
    if (!l) return false;
    listener = std::move(*l);
    return true;
  }

  ~TlsFixture() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }

  // One request/response on `conn`; false on failure.
  bool exchange(io::TlsConnection& conn) {
    std::size_t got = 0;
    bool closed = false;
    conn.set_handlers(
        [&](io::Stream&, std::string& buf) {
          got += buf.size();
          buf.clear();
          if (got >= response.size()) loop->stop();
        },
        [&](io::Stream&) {
          closed = true;
          loop->stop();
        });
    conn.send(request);
    loop->run();
    return got >= response.size() && !closed;
  }
};

void BM_TlsRequestReusedConnection(benchmark::State& state) {
  TlsFixture f;
  if (!f.open()) return state.SkipWithError("no certificates (openssl CLI)");
  auto conn = io::TlsConnection::connect(*f.loop, f.listener->local(), f.client, "");
  if (!conn || !f.exchange(**conn)) return state.SkipWithError("first exchange failed");
  for (auto _ : state)
    if (!f.exchange(**conn)) return state.SkipWithError("exchange failed");
}

void BM_TlsRequestNewHandshake(benchmark::State& state) {
  TlsFixture f;
  if (!f.open()) return state.SkipWithError("no certificates (openssl CLI)");
  for (auto _ : state) {
    auto conn = io::TlsConnection::connect(*f.loop, f.listener->local(), f.client, "");
    if (!conn || !f.exchange(**conn)) return state.SkipWithError("exchange failed");
    (*conn)->close();
    state.PauseTiming();
    f.loop->post([&] { f.loop->stop(); });  // let the server side see the close
    f.loop->run();
    f.accepted.clear();
    state.ResumeTiming();
  }
}

}  // namespace

BENCHMARK(BM_DigestCheckSha256);
BENCHMARK(BM_DigestCheckMd5);
BENCHMARK(BM_DigestChallenge);
BENCHMARK(BM_TlsRequestReusedConnection)->UseRealTime();
BENCHMARK(BM_TlsRequestNewHandshake)->UseRealTime();
BENCHMARK_MAIN();
