// PostCallSender: delivers the apps' post-call requests (docs/apps.md, "Post-call web
// service") from the durable queue (store/post_call_queue.h), on a thread of its own with its
// own event loop and HTTP client. A call's worker only posts the request here (enqueue never
// touches the database or the network), so a slow database or a dead web service never delays
// a call.
//
// Each request is retried with exponential backoff and jitter (services/retry_backoff.h) until
// a 2xx answer, or until it is older than http.post_call.give_up_after_s. Rows survive a
// restart: a new process sends what the old one left.
//
// Privacy: a request that carries a private value is never written to the queue's table. It
// waits in this process's memory instead (same retries), and is lost if the process stops
// before it is delivered — the price of never putting a private value on disk. It is only ever
// sent over https (and the egress policy's allow-list applies as to every request).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "base/log.h"
#include "base/result.h"
#include "flow/web_request.h"
#include "io/event_loop.h"
#include "server/http_config.h"
#include "services/http_client.h"
#include "services/oauth2_tokens.h"
#include "store/post_call_queue.h"
#include "store/recordings.h"

namespace keyline::server {

class PostCallSender {
 public:
  static Result<std::unique_ptr<PostCallSender>> start(std::unique_ptr<store::PostCallQueue> queue,
                                                       const HttpSettings& http, Logger& logger);
  // Stops the thread. Requests still out are abandoned: their rows are retried by the next
  // process once their lease runs out. Private requests held in memory are lost (counted).
  ~PostCallSender();
  PostCallSender(const PostCallSender&) = delete;
  PostCallSender& operator=(const PostCallSender&) = delete;

  // Thread-safe, never blocks on I/O. `request` is wiped here or after delivery. `key` names
  // the row (one per key: the call's id, or "<id>/recording"). A non-empty `body_file` is
  // sent as the body (read at each attempt) and deleted once delivered.
  void enqueue(flow::WebRequest request, const std::string& key, std::int64_t now_unix_ms,
               const std::string& body_file = "");

  // ---- Recordings metadata (issue 9; recording branch) ----
  // Where the uploads' outcomes are written (upload_state, uploaded_url, deleted). Call once,
  // before the first enqueue; null (the default): no metadata.
  void attach_recordings(std::unique_ptr<store::RecordingRepository> recordings);
  // Thread-safe, never blocks: stores the row of a finished recording file (before its
  // upload, if any, is enqueued: the same thread writes both in order).
  void recording_finished(store::RecordingRecord record);

  // keyline_postcall_* in Prometheus text format.
  std::string prometheus_text() const;

  struct Counters {
    std::atomic<std::uint64_t> enqueued{0};
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> attempts_failed{0};
    std::atomic<std::uint64_t> given_up{0};
    std::atomic<std::uint64_t> store_errors{0};
    std::atomic<std::uint64_t> private_lost{0};
    std::atomic<std::uint64_t> files_deleted{0};  // recordings removed after their upload
    std::atomic<std::int64_t> queued{0};          // rows in the table at the last look
    std::atomic<std::int64_t> in_memory{0};       // private requests waiting in memory
    std::atomic<std::int64_t> in_flight{0};
  };
  const Counters& counters() const { return counters_; }

 private:
  PostCallSender(std::unique_ptr<store::PostCallQueue> queue, const HttpSettings& http,
                 Logger& logger, std::unique_ptr<io::EventLoop> loop);
  void add(store::PostCallItem item, bool in_memory);  // sender thread
  void pump();                                         // sender thread: send what is due
  void send(store::PostCallItem item, bool in_memory);
  void finished(store::PostCallItem item, bool in_memory, const services::HttpResponse& response);
  std::int64_t now_ms() const;

 public:
  // The OAuth2 settings as a row's `auth` column holds them, and back (nullopt: none).
  static std::string encode_auth(const std::optional<flow::OAuth2Settings>& oauth2);
  static std::optional<flow::OAuth2Settings> decode_auth(std::string_view text);

 private:
  std::unique_ptr<store::PostCallQueue> queue_;
  HttpSettings http_;
  PostCallQueueSettings settings_;
  Logger& logger_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<services::HttpClient> client_;
  std::unique_ptr<services::OAuth2TokenCache> tokens_;  // requests with OAuth2 auth
  // Rows out now (id -> attempts before this one): a stop hands them back at once instead of
  // leaving them to their lease.
  std::map<std::int64_t, int> rows_in_flight_;
  std::shared_ptr<store::RecordingRepository> recordings_;  // sender thread only
  void note_upload(const std::string& path, store::UploadState state, const std::string& url,
                   bool deleted);
  std::deque<store::PostCallItem> memory_;  // private requests (ids < 0), sender thread only
  std::int64_t next_memory_id_ = -1;
  std::mt19937_64 random_;  // jitter only: no secret depends on it
  Counters counters_;
  io::TimerId poll_ = 0;
  std::thread thread_;
};

}  // namespace keyline::server
