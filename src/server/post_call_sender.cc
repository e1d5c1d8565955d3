#include "server/post_call_sender.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/secure_wipe.h"
#include "server/aws_sigv4_auth.h"
#include "server/oauth2_send.h"

namespace keyline::server {
namespace {

// A claimed row is not claimed again for this long: the longest request timeout plus a margin,
// so a process that died mid-request leaves it to the next one after at most this.
constexpr std::int64_t kLeaseMs = 120000 + 60000;
constexpr std::size_t kMaxResponseBytes = 64 * 1024;  // the answer is not read, only its status

void wipe_item(store::PostCallItem& item) {
  secure_wipe(item.url);
  secure_wipe(item.body);
  for (auto& [name, value] : item.headers) secure_wipe(value);
  item.headers.clear();
}

}  // namespace

Result<std::unique_ptr<PostCallSender>> PostCallSender::start(
    std::unique_ptr<store::PostCallQueue> queue, const HttpSettings& http, Logger& logger) {
  auto loop = io::EventLoop::create();
  if (!loop) return loop.error();
  std::unique_ptr<PostCallSender> sender(
      new PostCallSender(std::move(queue), http, logger, std::move(*loop)));
  auto client = services::HttpClient::create(*sender->loop_, http.client, &logger);
  if (!client) return client.error();
  sender->client_ = std::move(*client);
  PostCallSender* owner = sender.get();
  sender->tokens_ = std::make_unique<services::OAuth2TokenCache>(
      [owner](services::HttpRequest r, services::HttpClient::Callback done) {
        owner->client_->start(std::move(r), std::move(done));
      },
      [owner] { return owner->loop_->now(); });
  const auto poll = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(1000),
                                                        http.post_call.backoff.initial);
  PostCallSender* self = sender.get();
  sender->poll_ = sender->loop_->add_periodic(poll, [self] { self->pump(); });
  sender->loop_->post([self] { self->pump(); });  // what an earlier process left
  sender->thread_ = std::thread([self] { self->loop_->run(); });
  return sender;
}

PostCallSender::PostCallSender(std::unique_ptr<store::PostCallQueue> queue,
                               const HttpSettings& http, Logger& logger,
                               std::unique_ptr<io::EventLoop> loop)
    : queue_(std::move(queue)),
      http_(http),
      settings_(http.post_call),
      logger_(logger),
      loop_(std::move(loop)),
      random_(std::random_device{}()) {}

PostCallSender::~PostCallSender() {
  // Posted after every enqueue made so far, so those rows are written before the loop stops.
  loop_->post([this] { loop_->stop(); });
  if (thread_.joinable()) thread_.join();
  tokens_.reset();
  client_.reset();                                    // abandons what is out ...
  for (const auto& [id, attempts] : rows_in_flight_)  // ... and makes it due again now
    (void)queue_->reschedule(id, attempts, now_ms(), "interrupted by a stop");
  // The loop has stopped: what it had posted but not run (enqueues) and what waits in memory
  // is lost; the rows in the table are not.
  if (!memory_.empty()) {
    counters_.private_lost += memory_.size();
    logger_.warn("post_call", std::to_string(memory_.size()) +
                                  " post-call request(s) with private values were not delivered "
                                  "before the stop and are lost (never stored on disk)");
  }
  for (auto& item : memory_) wipe_item(item);
  if (poll_) loop_->cancel_timer(poll_);
}

std::int64_t PostCallSender::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void PostCallSender::enqueue(flow::WebRequest request, const std::string& key,
                             std::int64_t now_unix_ms, const std::string& body_file) {
  store::PostCallItem item;
  item.call_id = key;
  item.body_file = body_file;
  item.method = request.method;
  item.url = request.url;
  item.headers = request.headers;
  item.body = request.body;
  item.auth =
      request.aws_sigv4 ? encode_sigv4_auth(*request.aws_sigv4) : encode_auth(request.oauth2);
  item.timeout_ms = (request.timeout.count() > 0 ? request.timeout : http_.default_timeout).count();
  item.created_unix_ms = now_unix_ms;
  item.next_attempt_unix_ms = now_unix_ms;
  const bool in_memory = request.carries_private;
  flow::wipe(request);
  loop_->post(
      [this, item = std::move(item), in_memory]() mutable { add(std::move(item), in_memory); });
}

void PostCallSender::attach_recordings(std::unique_ptr<store::RecordingRepository> recordings) {
  std::shared_ptr<store::RecordingRepository> shared = std::move(recordings);
  loop_->post([this, shared] { recordings_ = shared; });
}

void PostCallSender::recording_finished(store::RecordingRecord record) {
  loop_->post([this, record = std::move(record)] {
    if (!recordings_) return;
    if (auto added = recordings_->add(record); !added) {
      ++counters_.store_errors;
      logger_.error("post_call",
                    "call " + record.session_id +
                        ": could not store the recording's metadata: " + added.error().message);
    }
  });
}

void PostCallSender::note_upload(const std::string& path, store::UploadState state,
                                 const std::string& url, bool deleted) {
  if (!recordings_ || path.empty()) return;
  if (auto st = recordings_->set_upload(path, state, url, deleted); !st) {
    ++counters_.store_errors;
    logger_.error("post_call",
                  "could not update a recording's upload state: " + st.error().message);
  }
}

void PostCallSender::add(store::PostCallItem item, bool in_memory) {
  ++counters_.enqueued;
  note_upload(item.body_file, store::UploadState::kPending, "", false);
  if (!in_memory) {
    if (auto st = queue_->add(item); !st) {
      // Not lost: it is sent from memory, only not durably.
      ++counters_.store_errors;
      logger_.error("post_call", "call " + item.call_id +
                                     ": could not store the post-call request (sending it from "
                                     "memory): " +
                                     st.error().message);
      in_memory = true;
    } else {
      wipe_item(item);
    }
  }
  if (in_memory) {
    item.id = next_memory_id_--;
    memory_.push_back(std::move(item));
    ++counters_.in_memory;
  }
  pump();
}

void PostCallSender::pump() {
  const std::int64_t now = now_ms();
  auto free_slots = [this] {
    const auto busy = static_cast<std::size_t>(std::max<std::int64_t>(counters_.in_flight, 0));
    return busy >= settings_.max_in_flight ? std::size_t{0} : settings_.max_in_flight - busy;
  };
  for (auto it = memory_.begin(); it != memory_.end() && free_slots() > 0;) {
    if (it->next_attempt_unix_ms > now) {
      ++it;
      continue;
    }
    store::PostCallItem item = std::move(*it);
    it = memory_.erase(it);
    --counters_.in_memory;
    send(std::move(item), true);
  }
  if (const std::size_t slots = free_slots(); slots > 0) {
    auto due = queue_->claim_due(now, kLeaseMs, slots);
    if (!due) {
      ++counters_.store_errors;
      logger_.error("post_call", "could not read the post-call queue: " + due.error().message);
    } else {
      for (auto& item : *due) send(std::move(item), false);
    }
  }
  if (auto size = queue_->size()) counters_.queued = static_cast<std::int64_t>(*size);
}

void PostCallSender::send(store::PostCallItem item, bool in_memory) {
  services::HttpRequest r;
  r.method = item.method;
  r.url = item.url;
  r.headers = item.headers;
  r.body = item.body;
  if (!item.body_file.empty()) {
    // Read at each attempt on this thread (never a worker's): a recording is not kept in the
    // table or in memory between attempts.
    std::ifstream in(item.body_file, std::ios::binary);
    if (!in) {
      // Nothing left to send (deleted by hand, or the disk was cleaned): retrying cannot help.
      ++counters_.given_up;
      if (!in_memory) (void)queue_->remove(item.id);
      logger_.error("post_call", "call " + item.call_id + ": " + item.body_file +
                                     " cannot be read: the upload is dropped");
      note_upload(item.body_file, store::UploadState::kFailed, "", false);
      wipe_item(item);
      return;
    }
    r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    r.max_response_bytes = kMaxResponseBytes;
  }
  r.timeout = std::chrono::milliseconds(item.timeout_ms);
  r.max_response_bytes = kMaxResponseBytes;
  r.max_redirects = http_.max_redirects;
  r.https_only = in_memory;
  r.carries_private = in_memory;
  ++counters_.in_flight;
  if (!in_memory) rows_in_flight_[item.id] = item.attempts;
  if (const auto sigv4 = decode_sigv4_auth(item.auth)) {
    // Keys are resolved per attempt (an operator may fix http.app_secrets meanwhile).
    if (auto signed_ok = sign_with_sigv4(r, *sigv4, http_.app_secrets); !signed_ok) {
      services::HttpResponse refused;
      refused.error = services::HttpError::kOther;
      refused.error_message = signed_ok.error().message;
      secure_wipe(r.body);
      finished(std::move(item), in_memory, refused);
      return;
    }
  }
  const auto oauth2 = decode_auth(item.auth);
  auto done = [this, item = std::move(item), in_memory](services::HttpResponse response) mutable {
    finished(std::move(item), in_memory, response);
    secure_wipe(response.body);
  };
  if (oauth2) {
    // The answer may come inside this call (no token to be had): take it on the next turn, as
    // a plain request's.
    auto later = [this, done = std::move(done)](services::HttpResponse response) mutable {
      loop_->post([done, response = std::move(response)]() mutable { done(std::move(response)); });
    };
    send_with_oauth2(
        {*client_, *tokens_, http_.app_secrets}, *oauth2, std::move(r),
        [](services::HttpClient::RequestId) {}, std::move(later));
    return;
  }
  client_->start(std::move(r), std::move(done));
}

std::string PostCallSender::encode_auth(const std::optional<flow::OAuth2Settings>& oauth2) {
  if (!oauth2) return "";
  return "oauth2\n" + oauth2->token_url + "\n" + oauth2->client_id + "\n" + oauth2->client_secret +
         "\n" + oauth2->scope;
}

std::optional<flow::OAuth2Settings> PostCallSender::decode_auth(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find('\n', start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts.size() != 5 || parts[0] != "oauth2") return std::nullopt;
  return flow::OAuth2Settings{parts[1], parts[2], parts[3], parts[4]};
}

void PostCallSender::finished(store::PostCallItem item, bool in_memory,
                              const services::HttpResponse& response) {
  --counters_.in_flight;
  if (!in_memory) rows_in_flight_.erase(item.id);
  ++item.attempts;
  const std::string who = "call " + item.call_id + " post-call request";
  if (response.ok() && response.status >= 200 && response.status < 300) {
    ++counters_.delivered;
    if (!in_memory) {
      if (auto st = queue_->remove(item.id); !st) {
        // The row comes back after its lease: the receiver sees the same Idempotency-Key.
        ++counters_.store_errors;
        logger_.error("post_call", who + " delivered but not removed: " + st.error().message);
      }
    }
    logger_.info("post_call", who + " delivered (HTTP " + std::to_string(response.status) +
                                  ", attempt " + std::to_string(item.attempts) + ")");
    if (!item.body_file.empty()) {
      // Confirmed upload: the local copy goes (a recording is not kept twice).
      std::error_code ec;
      const bool removed = std::filesystem::remove(item.body_file, ec);
      note_upload(item.body_file, store::UploadState::kUploaded, item.url, removed);
      if (removed) {
        ++counters_.files_deleted;
        logger_.info("post_call", who + ": uploaded recording deleted locally");
      } else if (ec) {
        logger_.error("post_call",
                      who + ": could not delete " + item.body_file + ": " + ec.message());
      }
    }
    wipe_item(item);
    pump();
    return;
  }
  ++counters_.attempts_failed;
  const std::string error = response.ok() ? "HTTP " + std::to_string(response.status)
                                          : std::string(services::http_error_name(response.error)) +
                                                ": " + response.error_message;
  const std::int64_t now = now_ms();
  const std::int64_t age_ms = now - item.created_unix_ms;
  if (age_ms >=
      std::chrono::duration_cast<std::chrono::milliseconds>(settings_.give_up_after).count()) {
    ++counters_.given_up;
    if (!in_memory) (void)queue_->remove(item.id);
    logger_.warn("post_call", who + " given up after " + std::to_string(item.attempts) +
                                  " attempt(s) (last: " + error + ")");
    note_upload(item.body_file, store::UploadState::kFailed, "", false);
    wipe_item(item);
    return;
  }
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  const auto delay = services::retry_delay(settings_.backoff, item.attempts, draw(random_));
  item.next_attempt_unix_ms = now + delay.count();
  logger_.info("post_call", who + " attempt " + std::to_string(item.attempts) + " failed (" +
                                error + "); next in " + std::to_string(delay.count()) + " ms");
  if (in_memory) {
    memory_.push_back(std::move(item));
    ++counters_.in_memory;
    return;
  }
  if (auto st = queue_->reschedule(item.id, item.attempts, item.next_attempt_unix_ms, error); !st) {
    ++counters_.store_errors;
    logger_.error("post_call", who + ": could not reschedule: " + st.error().message);
  }
  wipe_item(item);
}

std::string PostCallSender::prometheus_text() const {
  std::string out;
  auto metric = [&out](const char* name, const char* type, const char* help, std::int64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  auto count = [](const std::atomic<std::uint64_t>& c) {
    return static_cast<std::int64_t>(c.load());
  };
  metric("keyline_postcall_enqueued_total", "counter", "Post-call requests queued at call end.",
         count(counters_.enqueued));
  metric("keyline_postcall_delivered_total", "counter",
         "Post-call requests answered with a 2xx status.", count(counters_.delivered));
  metric("keyline_postcall_attempts_failed_total", "counter",
         "Post-call delivery attempts that failed and were rescheduled or given up.",
         count(counters_.attempts_failed));
  metric("keyline_postcall_given_up_total", "counter",
         "Post-call requests dropped after http.post_call.give_up_after_s.",
         count(counters_.given_up));
  metric("keyline_postcall_store_errors_total", "counter",
         "Post-call queue reads or writes that failed.", count(counters_.store_errors));
  metric("keyline_postcall_private_lost_total", "counter",
         "Private post-call requests (memory only) lost at a stop.", count(counters_.private_lost));
  metric("keyline_postcall_files_deleted_total", "counter",
         "Call recordings deleted locally after a confirmed upload.",
         count(counters_.files_deleted));
  metric("keyline_postcall_queued", "gauge", "Rows in the durable post-call queue.",
         counters_.queued.load());
  metric("keyline_postcall_in_memory", "gauge", "Private post-call requests waiting in memory.",
         counters_.in_memory.load());
  metric("keyline_postcall_in_flight", "gauge", "Post-call requests out now.",
         counters_.in_flight.load());
  return out;
}

}  // namespace keyline::server
