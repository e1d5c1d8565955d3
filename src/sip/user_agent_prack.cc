// Reliable provisional responses (RFC 3262, "100rel") in both roles.
//
// UAS: when the INVITE says Supported or Require: 100rel, our provisionals other than 100
// carry Require: 100rel and an RSeq and are passed to the INVITE transaction again with T1
// doubling until the PRACK that names them (RAck) arrives; 64*T1 without one rejects the
// INVITE with 500 (section 3). One reliable provisional is outstanding at a time, and an
// answer() that comes before its PRACK is queued: the 2xx goes out when the PRACK arrives.
//
// UAC: our INVITEs say Supported: 100rel; each new reliable provisional of an early dialog
// gets one PRACK (RAck: RSeq, the INVITE's CSeq); repeated ones (a retransmission) and ones
// out of order are dropped without reaching the owner (section 4).
#include <limits>

#include "base/strings.h"
#include "sip/headers.h"
#include "sip/uri.h"
#include "sip/user_agent.h"
#include "sip/user_agent_call.h"

namespace keyline::sip {
namespace {

bool lists_100rel(const Message& m, std::string_view header) {
  for (auto v : m.header_values(header))
    if (iequals(trim(v), "100rel")) return true;
  return false;
}

// "RSeq CSeq-number Method" (RFC 3262 7.2); nullopt when malformed.
struct RAck {
  std::uint32_t rseq = 0;
  std::uint32_t cseq = 0;
  std::string method;
};

std::optional<std::uint32_t> parse_u32(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

std::optional<RAck> parse_rack(std::string_view value) {
  std::vector<std::string_view> parts;
  std::string_view rest = trim(value);
  while (!rest.empty()) {
    auto sp = rest.find_first_of(" \t");
    parts.push_back(rest.substr(0, sp));
    if (sp == std::string_view::npos) break;
    rest = trim(rest.substr(sp));
  }
  if (parts.size() != 3) return std::nullopt;
  auto rseq = parse_u32(parts[0]);
  auto cseq = parse_u32(parts[1]);
  if (!rseq || !cseq) return std::nullopt;
  return RAck{*rseq, *cseq, std::string(parts[2])};
}

std::string tag_param(std::optional<std::string_view> value) {
  if (!value) return {};
  auto na = parse_name_addr(*value);
  return na ? na->tag().value_or("") : std::string();
}

}  // namespace

bool wants_reliable_provisionals(const Message& invite) {
  return lists_100rel(invite, "Require") || lists_100rel(invite, "Supported");
}

// ---- UAS -------------------------------------------------------------------

void UserAgent::send_reliable_provisional(Call& call, Message response) {
  // Section 3: no second reliable provisional before the first is acknowledged. Ours are
  // all "ringing", so a later one while the first is unanswered adds nothing.
  if (call.provisional_unacked) return;
  if (call.rseq == 0) {
    // The first RSeq is random in 1 .. 2^31-1 (section 3), later ones count up.
    call.rseq = 1 + ids_.u32() % 0x7ffffffeU;
  } else {
    ++call.rseq;
  }
  response.add_header("Require", "100rel");
  response.add_header("RSeq", std::to_string(call.rseq));
  call.reliable_provisional = response;
  call.provisional_unacked = true;
  call.provisional_interval = config_.t1;
  layer_.respond(call.invite_tx, call.reliable_provisional);

  CallHandle h = call.handle;
  std::weak_ptr<bool> alive = alive_;
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [this, alive, h, weak_tick = std::weak_ptr(tick)] {
    if (alive.expired()) return;
    Call* c = find(h);
    if (!c || !c->provisional_unacked) return;
    c->provisional_timer = 0;
    // Through the transaction, which still holds the INVITE (Proceeding).
    layer_.respond(c->invite_tx, c->reliable_provisional);
    c->provisional_interval *= 2;  // no T2 cap here (RFC 3262 3)
    if (auto next = weak_tick.lock())
      c->provisional_timer = timers_.schedule(c->provisional_interval, [next] { (*next)(); });
  };
  call.provisional_timer = timers_.schedule(call.provisional_interval, [tick] { (*tick)(); });
  call.provisional_give_up = timers_.schedule(config_.t1 * 64, [this, alive, h, tick] {
    if (alive.expired()) return;
    Call* c = find(h);
    if (!c || !c->provisional_unacked) return;
    c->provisional_give_up = 0;
    logger_.warn("sip", "no PRACK for our reliable provisional on call " + c->call_id +
                            ": rejecting the INVITE with 500");
    final_uas(*c, 500);  // stops the retransmissions too
    end(*c, EndReason::kRejected, 500);
  });
}

void UserAgent::stop_reliable_provisional(Call& call) {
  timers_.cancel(call.provisional_timer);
  timers_.cancel(call.provisional_give_up);
  call.provisional_timer = 0;
  call.provisional_give_up = 0;
  call.provisional_unacked = false;
  call.reliable_provisional = Message{};
}

void UserAgent::on_prack(Call& call, TransactionId tx, const Message& request) {
  auto rack = parse_rack(request.header("RAck").value_or(""));
  if (!rack) {
    respond(tx, request, 400);
    return;
  }
  // Section 3: a PRACK that matches no unacknowledged reliable provisional gets 481.
  const bool matches = call.uas && call.provisional_unacked && rack->rseq == call.rseq &&
                       rack->cseq == cseq_number(call.invite) && rack->method == "INVITE";
  if (!matches) {
    respond(tx, request, 481);
    return;
  }
  if (auto cseq = cseq_number(request); cseq > call.remote_cseq) call.remote_cseq = cseq;
  stop_reliable_provisional(call);
  respond(tx, request, 200);
  if (call.answer_queued) {
    call.answer_queued = false;
    std::string sdp = std::move(call.queued_sdp);
    call.queued_sdp.clear();
    answer(call.handle, sdp);
  }
}

// ---- UAC -------------------------------------------------------------------

bool UserAgent::accept_provisional(Call& call, const Message& response) {
  if (response.status <= 100 || !lists_100rel(response, "Require")) return true;
  auto rseq = parse_u32(trim(response.header("RSeq").value_or("")));
  if (!rseq) return true;  // not a usable reliable provisional: taken as an unreliable one
  std::string tag = tag_param(response.header("To"));
  if (tag.empty()) return true;  // no early dialog to PRACK in
  if (tag == call.prack_tag && call.prack_rseq != 0) {
    // Section 4: a retransmission (or older) is dropped; one beyond the next is out of
    // order and dropped too (it comes again, after the one we miss).
    if (*rseq != call.prack_rseq + 1) return false;
  }
  call.prack_tag = tag;
  call.prack_rseq = *rseq;

  // The PRACK goes in the early dialog the provisional made: its To tag, its Contact as
  // the target, its Record-Route reversed as the route set (RFC 3261 12.1.2).
  Message m = new_request(call, "PRACK");
  if (auto target = contact_uri(response); !target.empty()) m.request_uri = target;
  m.set_header("To", std::string(response.header("To").value_or("")));
  m.remove_header("Route");
  auto rr = response.header_values("Record-Route");
  for (auto it = rr.rbegin(); it != rr.rend(); ++it) m.add_header("Route", std::string(*it));
  m.add_header("RAck",
               std::to_string(*rseq) + " " + std::to_string(cseq_number(call.invite)) + " INVITE");
  auto tx = layer_.send_request(std::move(m), call.peer);
  if (tx) {
    by_transaction_.erase(call.prack_tx);
    call.prack_tx = *tx;
    by_transaction_[*tx] = call.handle;
  }
  return true;
}

}  // namespace keyline::sip
