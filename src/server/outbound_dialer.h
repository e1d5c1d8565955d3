// The outbound dialer (docs/api.md "Outbound calls", docs/configuration.md "outbound:"): every
// outbound.poll_ms it takes due calls from the queue (window open, attempts left, the reattempt
// wait over), up to outbound.max_concurrent at once, and dials each (OutboundLeg). On answer
// the call becomes an ordinary call session running its deployment's app with the call
// parameters as variables; busy, no answer or an error re-queues it or fails it
// (outbound/attempts.h). Final calls with a result_url get call_details POSTed once.
// Worker thread only. The queue is read and written on a thread of the dialer's own (io::
// LoopThread), never on the worker: the database may be held by the call-log writer's batch for
// longer than a SIP retransmission interval. Writes run there in the order they were made.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/log.h"
#include "io/event_loop.h"
#include "io/loop_thread.h"
#include "server/call_session.h"
#include "server/config.h"
#include "server/leg_router.h"
#include "server/outbound_leg.h"
#include "server/routing_table.h"
#include "services/http_client.h"
#include "sip/user_agent.h"
#include "store/outbound_repository.h"

namespace keyline::server {

class OutboundDialer {
 public:
  // What the server lends the dialer.
  struct Host {
    io::EventLoop& loop;
    sip::UserAgent& ua;
    LegRouter& legs;
    Logger& logger;
    IdGenerator& ids;
    services::HttpClient& http;  // result_url POSTs (the http: egress rules apply)
    const Config& config;
    // The deployment by name (config or stored), from the routing table in use. Null: none.
    std::function<std::shared_ptr<const RoutedDeployment>(const std::string&)> find_route;
    // A call session's context for `route`, as an inbound call to it would get.
    std::function<CallSession::Context(const RoutedDeployment&)> session_context;
    // The answered call is the server's from now on (ticks, BYE, call log); it starts the app.
    std::function<void(sip::CallHandle, std::unique_ptr<CallSession>)> adopt;
  };

  OutboundDialer(Host host, std::unique_ptr<store::OutboundRepository> queue);
  ~OutboundDialer();  // waits for the queue writes already made

  Status start();  // the store thread and the poll timer (nothing when outbound is off)
  // Shutting down: no new attempts; calls still ringing are cancelled and count as error
  // attempts (re-queued while attempts last).
  void stop();
  // The server's call `handle` ended; true when it was one of ours (the attempt is recorded).
  bool on_call_ended(sip::CallHandle handle);
  std::size_t active() const { return ringing_.size() + connected_.size(); }

 private:
  void poll();
  // Back from the store thread: the calls claimed for dialling and the results due.
  void claimed(std::vector<store::OutboundCall> due, std::vector<store::OutboundCall> results);
  void dial(store::OutboundCall call);
  void answered(const std::string& id, OutboundLeg::Answered a);
  void unanswered(const std::string& id, outbound::AttemptOutcome outcome, int status);
  void save(const store::OutboundCall& call);
  void post_results();  // reads the due results on the store thread, then sends them
  void send_results(std::vector<store::OutboundCall> due);
  std::int64_t now_ms() const;

  struct Ringing {
    store::OutboundCall call;
    std::shared_ptr<const RoutedDeployment> route;
    std::unique_ptr<OutboundLeg> leg;
  };

  Host host_;
  std::unique_ptr<store::OutboundRepository> queue_;  // used on store_thread_ only
  // Declared after queue_: destroyed first, so the writes it still holds reach the queue.
  std::unique_ptr<io::LoopThread> store_thread_;
  io::TimerId timer_ = 0;
  bool stopped_ = false;
  bool polling_ = false;                    // a poll's queue read is on the store thread
  std::map<std::string, Ringing> ringing_;  // by outbound call id
  std::map<sip::CallHandle, store::OutboundCall> connected_;  // answered, the app running
  std::set<std::string> posting_;                             // result POSTs in flight
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::server
