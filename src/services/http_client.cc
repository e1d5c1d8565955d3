// The libcurl multi handle driven by an io::EventLoop (the socket and timer callbacks of
// curl's "multi_socket" API), redirects, and completion.
#include "services/http_client.h"

#include <strings.h>
#include <sys/epoll.h>

#include <map>
#include <mutex>
#include <vector>

#include "base/secure_wipe.h"
#include "services/http_transfer.h"

namespace keyline::services {

struct HttpClient::Impl {
  io::EventLoop& loop;
  HttpClientConfig config;
  Logger* logger;
  CURLM* multi = nullptr;
  // TLS sessions (and DNS answers) shared by every transfer of this client: each hop has an
  // easy handle of its own, whose private session cache would die with it, so without this
  // every new connection to a host (many calls waiting on a slow service open many) would pay
  // a full handshake. One client lives on one loop thread, so the share needs no locks.
  CURLSH* share = nullptr;
  io::TimerId timer = 0;
  std::map<int, std::uint32_t> watched;  // fd -> epoll events registered with the loop
  std::map<RequestId, std::unique_ptr<Transfer>> transfers;
  RequestId next_id = 1;
  // Work posted to the loop checks this first: the client may be gone by then.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(io::EventLoop& l, HttpClientConfig c, Logger* log)
      : loop(l), config(std::move(c)), logger(log) {}

  ~Impl() {
    for (auto& [id, t] : transfers) detach(*t);
    transfers.clear();
    if (multi) curl_multi_cleanup(multi);
    if (share) curl_share_cleanup(share);  // after every easy handle that used it is gone
    for (const auto& [fd, events] : watched) loop.remove_fd(fd);
    if (timer) loop.cancel_timer(timer);
  }

  // --- curl -> loop ---------------------------------------------------------------------

  static int on_curl_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<Impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      if (self->watched.erase(fd)) self->loop.remove_fd(fd);
      return 0;
    }
    std::uint32_t events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= EPOLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= EPOLLOUT;
    auto it = self->watched.find(fd);
    if (it == self->watched.end()) {
      auto added = self->loop.add_fd(
          fd, events, [self, fd](std::uint32_t ready) { self->on_ready(fd, ready); });
      if (added) self->watched[fd] = events;
      // If the loop refused the fd, curl's own timeout ends the transfer.
    } else if (it->second != events) {
      if (self->loop.modify_fd(fd, events)) it->second = events;
    }
    return 0;
  }

  static int on_curl_timer(CURLM*, long timeout_ms, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (self->timer) self->loop.cancel_timer(self->timer);
    self->timer = 0;
    if (timeout_ms < 0) return 0;
    // Never call back into curl from inside this callback: a 0 ms timer runs on the next turn.
    self->timer = self->loop.add_timer(Millis(timeout_ms), [self] {
      self->timer = 0;
      int running = 0;
      curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      self->collect_done();
    });
    return 0;
  }

  void on_ready(int fd, std::uint32_t ready) {
    int mask = 0;
    if (ready & EPOLLIN) mask |= CURL_CSELECT_IN;
    if (ready & EPOLLOUT) mask |= CURL_CSELECT_OUT;
    if (ready & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
    int running = 0;
    curl_multi_socket_action(multi, fd, mask, &running);
    collect_done();
  }

  // --- transfers ---------------------------------------------------------------------------

  // Finished hops first, then their consequences (a redirect's next hop, a callback), so no
  // callback runs while curl is walking its own lists.
  void collect_done() {
    std::vector<std::pair<Transfer*, CURLcode>> done;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      if (t) done.emplace_back(t, msg->data.result);
    }
    std::vector<RequestId> ids;
    for (auto& [t, code] : done) {
      classify_result(*t, code);
      ids.push_back(t->id);
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto it = transfers.find(ids[i]);
      if (it == transfers.end()) continue;  // cancelled by an earlier callback
      hop_finished(*it->second);
    }
  }

  void hop_finished(Transfer& t) {
    HttpResponse& r = t.response;
    detach(t);
    const bool redirect = r.ok() && (r.status == 301 || r.status == 302 || r.status == 303 ||
                                     r.status == 307 || r.status == 308);
    if (redirect && t.request.max_redirects > 0) {
      follow(t);
      return;
    }
    complete(t.id);
  }

  void follow(Transfer& t) {
    HttpResponse& r = t.response;
    if (r.redirects >= std::min(t.request.max_redirects, config.max_redirects_cap)) {
      r.error = HttpError::kProtocol;
      r.error_message = "more than " + std::to_string(r.redirects) + " redirects";
      complete(t.id);
      return;
    }
    std::string location;
    for (const auto& [name, value] : r.headers) {
      if (strcasecmp(name.c_str(), "location") == 0) location = value;
    }
    if (location.empty()) {
      complete(t.id);  // a 3xx without a Location: the caller sees it as it is
      return;
    }
    // Resolve a relative Location against the current URL.
    CURLU* url = curl_url();
    char* next = nullptr;
    if (curl_url_set(url, CURLUPART_URL, t.request.url.c_str(), 0) == CURLUE_OK &&
        curl_url_set(url, CURLUPART_URL, location.c_str(), 0) == CURLUE_OK)
      curl_url_get(url, CURLUPART_URL, &next, 0);
    curl_url_cleanup(url);
    if (!next) {
      r.error = HttpError::kProtocol;
      r.error_message = "a redirect to an invalid URL";
      complete(t.id);
      return;
    }
    secure_wipe(t.request.url);
    t.request.url = next;
    curl_free(next);
    // 301/302/303 after a POST become a GET without a body, as browsers do; 307/308 repeat
    // the request as it was.
    if (r.status <= 303 && t.request.method != "GET" && t.request.method != "HEAD") {
      t.request.method = "GET";
      secure_wipe(t.request.body);
    }
    const int redirects = r.redirects + 1;
    secure_wipe(r.body);
    r = HttpResponse{};
    r.redirects = redirects;
    launch(t);
  }

  // Starts the current hop, or completes the transfer (asynchronously) when it cannot start.
  void launch(Transfer& t) {
    t.denied = false;
    t.too_large = false;
    t.header_bytes = 0;
    t.error_buffer[0] = '\0';
    HopCheck check = check_hop(t);
    if (check.error == HttpError::kNone && std::chrono::steady_clock::now() >= t.deadline)
      check = {HttpError::kTimeout,
               "no complete response within " + std::to_string(t.request.timeout.count()) + " ms"};
    if (check.error == HttpError::kNone && !configure_easy(t))
      check = {HttpError::kOther, "cannot create a transfer"};
    if (check.error == HttpError::kNone && curl_multi_add_handle(multi, t.easy) != CURLM_OK) {
      release_easy(t);
      check = {HttpError::kOther, "cannot start a transfer"};
    }
    if (check.error == HttpError::kNone) return;
    t.response.error = check.error;
    t.response.error_message = std::move(check.message);
    // The callback must not run inside start(): post it.
    const RequestId id = t.id;
    std::weak_ptr<bool> token = alive;
    loop.post([this, id, token] {
      if (!token.expired()) complete(id);
    });
  }

  void detach(Transfer& t) {
    if (!t.easy) return;
    curl_multi_remove_handle(multi, t.easy);
    release_easy(t);
  }

  void complete(RequestId id) {
    auto it = transfers.find(id);
    if (it == transfers.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers.erase(it);
    detach(*t);
    HttpResponse& r = t->response;
    r.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t->started);
    if (logger && logger->enabled(LogLevel::kDebug)) {
      // Scheme, host and port only: paths and queries may carry values.
      logger->debug("http",
                    t->request.method + " " + t->origin + " -> " +
                        (r.ok() ? std::to_string(r.status)
                                : std::string(http_error_name(r.error)) + ": " + r.error_message) +
                        " in " + std::to_string(r.elapsed.count() / 1000) + " ms");
    }
    wipe_request(t->request);
    Callback done = std::move(t->done);
    done(std::move(r));
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(io::EventLoop& loop, HttpClientConfig config,
                                                       Logger* logger) {
  // curl's one-time set-up (OpenSSL, the resolver) is process-wide by libcurl's design.
  static std::once_flag once;
  static CURLcode global = CURLE_OK;
  std::call_once(once, [] { global = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global != CURLE_OK) return make_error("http", "libcurl could not be initialised");
  auto impl = std::make_unique<Impl>(loop, std::move(config), logger);
  impl->multi = curl_multi_init();
  if (!impl->multi) return make_error("http", "libcurl could not create a multi handle");
  impl->share = curl_share_init();
  if (!impl->share ||
      curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK ||
      curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK)
    return make_error("http", "libcurl could not create a share handle");
  curl_multi_setopt(impl->multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_curl_socket);
  curl_multi_setopt(impl->multi, CURLMOPT_SOCKETDATA, impl.get());
  curl_multi_setopt(impl->multi, CURLMOPT_TIMERFUNCTION, &Impl::on_curl_timer);
  curl_multi_setopt(impl->multi, CURLMOPT_TIMERDATA, impl.get());
  curl_multi_setopt(impl->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(impl->config.max_connections));
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::RequestId HttpClient::start(HttpRequest request, Callback done) {
  Impl& impl = *impl_;
  auto t = std::make_unique<Transfer>();
  t->id = impl.next_id++;
  t->request = std::move(request);
  t->done = std::move(done);
  t->config = &impl.config;
  t->share = impl.share;
  t->started = std::chrono::steady_clock::now();
  t->deadline = t->started + t->request.timeout;
  Transfer& ref = *t;
  impl.transfers.emplace(ref.id, std::move(t));
  impl.launch(ref);
  return ref.id;
}

void HttpClient::cancel(RequestId id) {
  auto it = impl_->transfers.find(id);
  if (it == impl_->transfers.end()) return;
  impl_->detach(*it->second);
  wipe_request(it->second->request);
  secure_wipe(it->second->response.body);
  impl_->transfers.erase(it);
}

std::size_t HttpClient::in_flight() const { return impl_->transfers.size(); }

}  // namespace keyline::services
