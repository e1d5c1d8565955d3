#include "server/outbound_dialer.h"

#include "api/outbound_details.h"
#include "outbound/attempts.h"
#include "outbound/destination.h"
#include "privacy/redact.h"
#include "server/transfer_target.h"

namespace keyline::server {

using outbound::AttemptOutcome;

OutboundDialer::OutboundDialer(Host host, std::unique_ptr<store::OutboundRepository> queue)
    : host_(std::move(host)), queue_(std::move(queue)) {}

OutboundDialer::~OutboundDialer() {
  *alive_ = false;
  if (timer_) host_.loop.cancel_timer(timer_);
}

std::int64_t OutboundDialer::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status OutboundDialer::start() {
  const auto& c = host_.config.outbound;
  if (!c.enabled) {
    host_.logger.info("outbound", "dialer off (outbound.enabled: false)");
    return Ok{};
  }
  auto thread = io::LoopThread::start();
  if (!thread) return thread.error();
  store_thread_ = std::move(*thread);
  host_.logger.info("outbound", "dialer on: up to " + std::to_string(c.max_concurrent) +
                                    " call(s) at once, answering-machine detection " +
                                    (c.amd ? "on" : "off"));
  std::weak_ptr<bool> alive = alive_;
  timer_ = host_.loop.add_periodic(std::chrono::milliseconds(c.poll_ms), [this, alive] {
    if (!alive.expired()) poll();
  });
  return Ok{};
}

void OutboundDialer::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (timer_) host_.loop.cancel_timer(timer_);
  timer_ = 0;
  // Calls still ringing are given up: an error attempt each (re-queued while attempts last),
  // so a restart dials them again rather than leaving them "dialing" for ever.
  const std::int64_t now = now_ms();
  for (auto& [id, r] : ringing_) {
    outbound::finish_attempt(r.call, AttemptOutcome::kError, now);
    save(r.call);
  }
  ringing_.clear();  // each leg's destructor sends its CANCEL
}

void OutboundDialer::save(const store::OutboundCall& call) {
  if (!store_thread_) return;  // outbound off: nothing was read, so nothing to write
  store_thread_->loop().post([queue = queue_.get(), &logger = host_.logger, call] {
    auto saved = queue->update(call);
    if (!saved)
      logger.error("outbound",
                   "call " + call.id + ": queue write failed: " + saved.error().message);
  });
}

namespace {

struct QueueRead {
  std::vector<store::OutboundCall> due;      // claimed: to dial now
  std::vector<store::OutboundCall> results;  // final, with a result_url not yet POSTed
};

// On the store thread.
QueueRead read_queue(store::OutboundRepository& queue, Logger& logger, std::int64_t now, int room) {
  QueueRead read;
  if (auto expired = queue.expire(now); !expired) {
    logger.error("outbound", "queue read failed: " + expired.error().message);
    return read;
  } else if (*expired > 0) {
    logger.info("outbound", std::to_string(*expired) + " call(s) expired unanswered");
  }
  if (room > 0) {
    if (auto due = queue.claim_due(now, room); !due)
      logger.error("outbound", "queue read failed: " + due.error().message);
    else
      read.due = std::move(*due);
  }
  if (auto results = queue.results_due(10); !results)
    logger.error("outbound", "queue read failed: " + results.error().message);
  else
    read.results = std::move(*results);
  return read;
}

}  // namespace

void OutboundDialer::poll() {
  if (stopped_ || polling_) return;
  polling_ = true;
  const int room = host_.config.outbound.max_concurrent - static_cast<int>(active());
  std::weak_ptr<bool> alive = alive_;
  store_thread_->loop().post([this, alive, queue = queue_.get(), &logger = host_.logger,
                              &loop = host_.loop, now = now_ms(), room] {
    auto read = std::make_shared<QueueRead>(read_queue(*queue, logger, now, room));
    loop.post([this, alive, read] {
      if (!alive.expired()) claimed(std::move(read->due), std::move(read->results));
    });
  });
}

void OutboundDialer::claimed(std::vector<store::OutboundCall> due,
                             std::vector<store::OutboundCall> results) {
  polling_ = false;
  if (stopped_) {
    // Claimed while the server began to stop: back to the queue, as an error attempt would.
    const std::int64_t now = now_ms();
    for (auto& call : due) {
      outbound::finish_attempt(call, AttemptOutcome::kError, now);
      save(call);
    }
    return;
  }
  for (auto& call : due) dial(std::move(call));
  send_results(std::move(results));
}

void OutboundDialer::dial(store::OutboundCall call) {
  const std::int64_t now = now_ms();
  const auto& cfg = host_.config.outbound;
  auto refuse = [&](const std::string& why, const std::string& detail) {
    host_.logger.warn("outbound", "call " + call.id + " cannot be dialled: " + detail);
    outbound::fail_call(call, why, now);
    save(call);
  };
  auto route = host_.find_route(call.deployment);
  if (!route) return refuse("no_deployment", "no deployment '" + call.deployment + "'");
  auto dest = outbound::parse_destination(call.phone_number);
  if (!dest) return refuse("bad_destination", dest.error().message);
  if (dest->sip_uri && !cfg.allow_sip_uris)
    return refuse("refused_destination", "sip: destinations are off (outbound.allow_sip_uris)");
  const TransferConfig routing = outbound_routing(cfg, host_.config.transfer);
  auto to = resolve_transfer_target(dest->number, routing, "", io::Endpoint{}, true);
  if (to && !dest->sip_uri && routing.proxy_host.empty()) {
    // A number with only a domain: its address, or for a host name an empty next_hop (the
    // user agent finds the server by RFC 3263).
    if (auto hop = io::Endpoint::parse(routing.domain, 5060)) to->next_hop = *hop;
  }
  if (!to) return refuse("no_route", to.error().message);
  std::string ani = !call.ani.empty() ? call.ani : cfg.caller_id;
  if (ani.empty()) ani = "anonymous";
  const std::string from = "sip:" + ani + "@" + host_.config.sip.listen;
  OutboundLeg::Context ctx{
      host_.loop,
      host_.ua,
      host_.legs,
      host_.logger,
      host_.ids,
      media::MediaConfig{host_.config.sip.listen, host_.config.media.rtp_port_min,
                         host_.config.media.rtp_port_max},
      std::chrono::seconds(cfg.ring_timeout_s),
      "outbound " + call.id};
  const std::string id = call.id;
  std::weak_ptr<bool> alive = alive_;
  auto leg = OutboundLeg::start(
      ctx, *to, from,
      [this, alive, id](OutboundLeg::Answered a) {
        if (!alive.expired()) answered(id, std::move(a));
      },
      [this, alive, id](AttemptOutcome outcome, int status) {
        if (!alive.expired()) unanswered(id, outcome, status);
      });
  if (!leg) {
    host_.logger.warn("outbound", "call " + id + ": INVITE failed: " + leg.error().message);
    outbound::finish_attempt(call, AttemptOutcome::kError, now);
    save(call);
    return;
  }
  host_.logger.info("outbound", "call " + id + " attempt " + std::to_string(call.attempts) + "/" +
                                    std::to_string(call.max_attempts) + " to " +
                                    privacy::mask_caller_id(dest->number) + " for deployment " +
                                    call.deployment);
  ringing_[id] = Ringing{std::move(call), std::move(route), std::move(*leg)};
}

void OutboundDialer::answered(const std::string& id, OutboundLeg::Answered a) {
  auto it = ringing_.find(id);
  if (it == ringing_.end()) {
    host_.ua.hangup(a.handle);
    return;
  }
  Ringing r = std::move(it->second);
  ringing_.erase(it);
  // Called from inside the leg: it is destroyed on the next loop turn, not here.
  std::shared_ptr<OutboundLeg> done_leg(std::move(r.leg));
  host_.loop.post([done_leg] {});

  const auto& cfg = host_.config.outbound;
  CallSession::Context ctx = host_.session_context(*r.route);
  CallSession::Context::Outbound out;
  out.parameters = r.call.parameters;
  out.private_parameters = r.call.secure;
  out.postd = r.call.postd;
  if (cfg.amd) out.amd = cfg.amd_settings;
  ctx.outbound = std::move(out);
  a.stream.dtmf_mode = host_.config.media.dtmf_mode;
  a.stream.inactivity_timeout = std::chrono::seconds(host_.config.media.rtp_timeout_s);

  store::CallRecord record;
  record.call_id = host_.ids.token(16);
  record.sip_call_id = a.sip_call_id;
  record.from = !r.call.ani.empty() ? r.call.ani : cfg.caller_id;
  record.to = r.call.phone_number;
  record.app = r.route->deployment.app;
  record.start_unix_ms = r.call.events.empty() ? now_ms() : r.call.events.back().at_unix_ms;
  record.direction = "outbound";
  outbound::mark_connected(r.call, record.call_id, now_ms());
  save(r.call);
  host_.logger.info("outbound", "call " + id + " connected: session " + record.call_id);
  auto session = std::make_unique<CallSession>(ctx, a.handle, r.route->app, std::move(record),
                                               std::move(a.media), a.stream);
  connected_[a.handle] = std::move(r.call);
  host_.adopt(a.handle, std::move(session));
}

void OutboundDialer::unanswered(const std::string& id, AttemptOutcome outcome, int status) {
  auto it = ringing_.find(id);
  if (it == ringing_.end()) return;
  store::OutboundCall call = std::move(it->second.call);
  ringing_.erase(it);  // posted report: the leg is not on the stack
  outbound::finish_attempt(call, outcome, now_ms());
  host_.logger.info("outbound", "call " + id + " attempt " + std::to_string(call.attempts) + ": " +
                                    std::string(outbound::attempt_outcome_name(outcome)) +
                                    (status ? " " + std::to_string(status) : "") + " -> " +
                                    std::string(store::outbound_status_name(call.status)));
  save(call);
  if (call.result_pending) post_results();
}

bool OutboundDialer::on_call_ended(sip::CallHandle handle) {
  auto it = connected_.find(handle);
  if (it == connected_.end()) return false;
  store::OutboundCall call = std::move(it->second);
  connected_.erase(it);
  outbound::finish_attempt(call, AttemptOutcome::kCompleted, now_ms());
  host_.logger.info("outbound", "call " + call.id + " completed after " +
                                    std::to_string(outbound::talk_seconds(call)) + " s");
  save(call);
  if (call.result_pending) post_results();
  return true;
}

void OutboundDialer::post_results() {
  if (stopped_ || !store_thread_) return;
  std::weak_ptr<bool> alive = alive_;
  store_thread_->loop().post(
      [this, alive, queue = queue_.get(), &logger = host_.logger, &loop = host_.loop] {
        auto due = queue->results_due(10);
        if (!due) {
          logger.error("outbound", "queue read failed: " + due.error().message);
          return;
        }
        auto calls = std::make_shared<std::vector<store::OutboundCall>>(std::move(*due));
        loop.post([this, alive, calls] {
          if (!alive.expired()) send_results(std::move(*calls));
        });
      });
}

void OutboundDialer::send_results(std::vector<store::OutboundCall> due) {
  if (stopped_) return;
  for (auto& call : due) {
    if (!posting_.insert(call.id).second) continue;  // already on its way
    services::HttpRequest request;
    request.method = "POST";
    request.url = call.result_url;
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = api::outbound_status_body(call).dump();
    request.timeout = host_.config.http.default_timeout;
    request.https_only = call.secure;
    std::weak_ptr<bool> alive = alive_;
    const std::string id = call.id;
    host_.http.start(std::move(request), [this, alive, id](services::HttpResponse response) {
      if (alive.expired()) return;
      // One try: a refused or failed POST is logged (the status stays readable through the
      // API); retrying belongs to a durable webhook queue.
      if (response.ok() && response.status >= 200 && response.status < 300)
        host_.logger.info(
            "outbound", "call " + id + " result posted (" + std::to_string(response.status) + ")");
      else
        host_.logger.warn("outbound", "call " + id + " result POST failed: " +
                                          (response.ok() ? "HTTP " + std::to_string(response.status)
                                                         : response.error_message));
      // The id stays in posting_ until the write is done: a queue read made before it (its
      // answer comes back to this loop first, in order) must not POST the result again.
      store_thread_->loop().post(
          [this, alive, queue = queue_.get(), &logger = host_.logger, &loop = host_.loop, id] {
            if (auto call = queue->get(id); call && *call) {
              (*call)->result_pending = false;
              if (auto saved = queue->update(**call); !saved)
                logger.error("outbound",
                             "call " + id + ": queue write failed: " + saved.error().message);
            }
            loop.post([this, alive, id] {
              if (!alive.expired()) posting_.erase(id);
            });
          });
    });
  }
}

}  // namespace keyline::server
