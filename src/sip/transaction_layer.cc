#include "sip/transaction_layer.h"

#include "sip/transaction_key.h"

namespace keyline::sip {

TransactionLayer::TransactionLayer(TimerService& timers, TransportSink& sink, TransactionUser& user,
                                   TransactionConfig config)
    : config_(config), user_(user), env_{timers, sink, config_, *this} {}

TransactionLayer::~TransactionLayer() = default;

ClientTransaction* TransactionLayer::client(TransactionId id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

ServerTransaction* TransactionLayer::server(TransactionId id) {
  auto it = servers_.find(id);
  return it == servers_.end() ? nullptr : it->second.get();
}

void TransactionLayer::reap_client(TransactionId id) {
  auto it = clients_.find(id);
  if (it == clients_.end() || !it->second->terminated()) return;
  client_keys_.erase(it->second->key());
  clients_.erase(it);
}

void TransactionLayer::reap_server(TransactionId id) {
  auto it = servers_.find(id);
  if (it == servers_.end() || !it->second->terminated()) return;
  server_keys_.erase(it->second->key());
  servers_.erase(it);
}

void TransactionLayer::on_message(const Message& message, const Peer& from) {
  if (message.is_request())
    on_request(message, from);
  else
    on_response(message, from);
}

void TransactionLayer::on_request(const Message& request, const Peer& from) {
  const bool ack = request.method == "ACK";
  auto key = server_transaction_key(request, ack ? std::string_view("INVITE") : request.method);
  if (!key) return;  // no usable Via: nothing we could even answer to
  if (auto it = server_keys_.find(*key); it != server_keys_.end()) {
    TransactionId id = it->second;
    ServerTransaction* tx = server(id);
    if (ack) {
      if (tx->on_ack()) user_.on_ack(request, from);
    } else {
      tx->on_retransmission();
    }
    reap_server(id);
    return;
  }
  if (ack) {
    user_.on_ack(request, from);
    return;
  }
  TransactionId id = next_id_++;
  auto tx = std::make_unique<ServerTransaction>(env_, id, *key, request, from);
  ServerTransaction& ref = *tx;
  servers_.emplace(id, std::move(tx));
  server_keys_.emplace(*key, id);
  ref.start(request);
  if (request.method == "CANCEL") {
    // RFC 3261 9.2: the INVITE server transaction the CANCEL names.
    TransactionId invite = 0;
    if (auto invite_key = server_transaction_key(request, "INVITE")) {
      if (auto found = server_keys_.find(*invite_key); found != server_keys_.end()) {
        if (ServerTransaction* candidate = server(found->second); candidate->is_invite())
          invite = found->second;
      }
    }
    user_.on_cancel(id, invite, request, from);
  } else {
    user_.on_request(id, request, from);
    if (ServerTransaction* tx = server(id)) tx->after_tu(request);
  }
  reap_server(id);
}

void TransactionLayer::on_response(const Message& response, const Peer& from) {
  auto key = client_transaction_key(response);
  auto it = key ? client_keys_.find(*key) : client_keys_.end();
  if (it == client_keys_.end()) {
    user_.on_stray_response(response, from);
    return;
  }
  TransactionId id = it->second;
  ClientTransaction* tx = client(id);
  bool deliver = tx->on_response(response);
  if (tx->wants_cancel_now()) send_cancel(*tx);
  if (deliver) user_.on_response(id, response, ResponseOrigin::kPeer);
  reap_client(id);
}

Result<TransactionId> TransactionLayer::send_request(Message request, const Peer& to) {
  if (request.method == "ACK") return make_error("sip", "ACK is not sent in a transaction");
  auto key = client_transaction_key(request);
  if (!key) return make_error("sip", "request without a Via branch or CSeq");
  if (client_keys_.count(*key)) return make_error("sip", "branch already in use");
  TransactionId id = next_id_++;
  auto tx = std::make_unique<ClientTransaction>(env_, id, *key, std::move(request), to);
  ClientTransaction& ref = *tx;
  clients_.emplace(id, std::move(tx));
  client_keys_.emplace(*key, id);
  ref.start();
  return id;
}

bool TransactionLayer::cancel(TransactionId invite) {
  ClientTransaction* tx = client(invite);
  if (!tx || !tx->is_invite()) return false;
  auto state = tx->state();
  if (state != ClientTransaction::State::kCalling && state != ClientTransaction::State::kProceeding)
    return false;
  tx->request_cancel();
  if (tx->wants_cancel_now()) send_cancel(*tx);
  return true;
}

void TransactionLayer::send_cancel(ClientTransaction& invite) {
  invite.on_cancel_sent();
  // The CANCEL is its own non-INVITE transaction; its responses reach the TU
  // like any other (it may ignore them: the INVITE's 487 is what matters).
  auto sent = send_request(make_cancel(invite.request()), invite.peer());
  (void)sent;  // fails only if the INVITE had no branch, which send_request refused already
}

bool TransactionLayer::respond(TransactionId id, const Message& response) {
  ServerTransaction* tx = server(id);
  if (!tx) return false;
  bool sent = tx->respond(response);
  reap_server(id);
  return sent;
}

void TransactionLayer::on_transaction_timer(std::uint64_t packed) {
  TransactionId id = id_of(packed);
  TxTimer slot = slot_of(packed);
  if (ClientTransaction* tx = client(id)) {
    auto synthesized = tx->on_timer(slot);
    if (synthesized) user_.on_response(id, synthesized->response, synthesized->origin);
    reap_client(id);
    return;
  }
  if (ServerTransaction* tx = server(id)) {
    if (tx->on_timer(slot)) user_.on_ack_timeout(id);
    reap_server(id);
  }
}

}  // namespace keyline::sip
