// A real web server for the HTTP client's tests: libmicrohttpd on 127.0.0.1, port 0, over TLS
// with a certificate the test generates (api/tls_identity) or over plain http. One thread per
// connection, so a slow handler does not hold up the others. Routes:
//   /hello         200 "hello", header X-Test: yes
//   /json          200 a small JSON object
//   /echo          200 "<method>\n<X-Token>\n<Content-Type>\n<body>"
//   /status/500    500 "boom"
//   /slow          waits until the server stops (or 60 s), then 200
//   /big           2 MiB of 'x'
//   /redirect      302 to /hello;  /loop  302 to /loop;  /to-http  302 to http://127.0.0.1:1/
#pragma once

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace keyline::services::testing {

class TestWebServer {
 public:
  // Empty cert/key: plain http.
  TestWebServer(const std::string& cert_pem, const std::string& key_pem)
      : cert_(cert_pem), key_(key_pem) {
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (!cert_.empty()) flags |= MHD_USE_TLS;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (cert_.empty()) {
      daemon_ = MHD_start_daemon(
          flags, 0, nullptr, nullptr, &on_request, this, MHD_OPTION_SOCK_ADDR,
          reinterpret_cast<sockaddr*>(&addr), MHD_OPTION_NOTIFY_COMPLETED, &on_completed, nullptr,
          MHD_OPTION_NOTIFY_CONNECTION, &on_connection, this, MHD_OPTION_END);
    } else {
      daemon_ = MHD_start_daemon(
          flags, 0, nullptr, nullptr, &on_request, this, MHD_OPTION_SOCK_ADDR,
          reinterpret_cast<sockaddr*>(&addr), MHD_OPTION_HTTPS_MEM_CERT, cert_.c_str(),
          MHD_OPTION_HTTPS_MEM_KEY, key_.c_str(), MHD_OPTION_NOTIFY_COMPLETED, &on_completed,
          nullptr, MHD_OPTION_NOTIFY_CONNECTION, &on_connection, this, MHD_OPTION_END);
    }
    if (daemon_) {
      const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
      port_ = info ? info->port : 0;
    }
  }
  ~TestWebServer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (daemon_) MHD_stop_daemon(daemon_);
  }

  bool ok() const { return daemon_ && port_; }
  std::uint16_t port() const { return port_; }
  std::string base() const {
    return std::string(cert_.empty() ? "http" : "https") + "://127.0.0.1:" + std::to_string(port_);
  }
  int requests() const { return requests_.load(); }
  int connections() const { return connections_.load(); }

 private:
  struct Pending {
    std::string body;
  };

  static MHD_Result reply(MHD_Connection* c, unsigned status, const std::string& body,
                          const char* header = nullptr, const char* value = nullptr) {
    MHD_Response* r = MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                                      MHD_RESPMEM_MUST_COPY);
    if (header) MHD_add_response_header(r, header, value);
    MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
  }

  static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                               const char*, const char* upload, size_t* upload_size, void** state) {
    auto* self = static_cast<TestWebServer*>(cls);
    if (!*state) {
      *state = new Pending();
      return MHD_YES;
    }
    auto* pending = static_cast<Pending*>(*state);
    if (*upload_size) {
      pending->body.append(upload, *upload_size);
      *upload_size = 0;
      return MHD_YES;
    }
    ++self->requests_;
    const std::string path = url;
    if (path == "/hello") return reply(c, 200, "hello", "X-Test", "yes");
    if (path == "/json")
      return reply(c, 200, R"({"status": "approved", "reference": "ch_1", "amount": 12.5})",
                   "Content-Type", "application/json");
    if (path == "/echo") {
      const char* token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Token");
      const char* type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
      return reply(c, 200,
                   std::string(method) + "\n" + (token ? token : "") + "\n" + (type ? type : "") +
                       "\n" + pending->body);
    }
    if (path == "/status/500") return reply(c, 500, "boom");
    if (path == "/slow") {
      std::unique_lock<std::mutex> lock(self->mutex_);
      self->cv_.wait_for(lock, std::chrono::seconds(60), [self] { return self->stopping_; });
      return reply(c, 200, "late");
    }
    if (path == "/big") return reply(c, 200, std::string(2 << 20, 'x'));
    if (path == "/redirect") return reply(c, 302, "", "Location", "/hello");
    if (path == "/loop") return reply(c, 302, "", "Location", "/loop");
    if (path == "/to-http") return reply(c, 302, "", "Location", "http://127.0.0.1:1/hello");
    return reply(c, 404, "no such path");
  }

  static void on_connection(void* cls, MHD_Connection*, void**,
                            MHD_ConnectionNotificationCode code) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED) ++static_cast<TestWebServer*>(cls)->connections_;
  }

  static void on_completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
    delete static_cast<Pending*>(*state);
    *state = nullptr;
  }

  std::string cert_;
  std::string key_;
  MHD_Daemon* daemon_ = nullptr;
  std::uint16_t port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace keyline::services::testing
