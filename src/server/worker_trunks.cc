// A worker's side of stored trunks (docs/sip.md, "Stored trunks"): the table the server built
// and posted, asked about each request; each call remembers its trunk for the cap (counted
// across workers in SharedAdmission) and the DTMF policy.
#include "server/worker.h"

namespace keyline::server {

void Worker::set_trunks(std::shared_ptr<const TrunkTable> table, bool changed,
                        std::uint64_t version) {
  loop_->post([this, table = std::move(table), changed, version] {
    trunks_ = table;
    if (changed && index_ == 0)
      logger_.info("trunks", "trunk table " + std::to_string(version) +
                                 " in use: " + std::to_string(table->size()) + " trunk(s)");
    if (index_ == 0) sync_trunk_registrations();  // the registrations are the first worker's
  });
}

// Called from admit(), with shared_.admission.mutex held.
std::optional<sip::Admission> Worker::admit_trunk(const sip::Message& request,
                                                  const sip::Peer& from) {
  const TrunkRule* trunk = trunks_ ? trunks_->match(from.endpoint) : nullptr;
  if (!trunk) return std::nullopt;
  auto verdict =
      admit_on_trunk(*trunk, request, from, shared_.admission.trunk_calls.count(trunk->name),
                     shared_.admission.access->config().retry_after_s);
  if (verdict.auth_failed) shared_.admission.access->auth_failed(from.endpoint);
  if (!verdict.refusal) {
    if (!verdict.user.empty()) {
      shared_.admission.access->auth_succeeded(from.endpoint);
      logger_.info("auth", "INVITE from " + from.endpoint.to_string() + " on trunk '" +
                               trunk->name + "' authenticated as " + verdict.user);
    }
    return std::nullopt;
  }
  logger_.info("access", "INVITE from " + from.endpoint.to_string() + " refused " +
                             std::to_string(verdict.refusal->status) + ": " + verdict.reason);
  return verdict.refusal;
}

void Worker::trunk_call_started(sip::CallHandle handle, const TrunkRule* trunk) {
  if (!trunk) return;
  {
    std::lock_guard lock(shared_.admission.mutex);
    shared_.admission.trunk_calls.add(trunk->name);
  }
  call_trunks_[handle] = CallTrunk{trunk->name, trunk->dtmf};
}

void Worker::trunk_call_ended(sip::CallHandle handle) {
  auto it = call_trunks_.find(handle);
  if (it == call_trunks_.end()) return;
  {
    std::lock_guard lock(shared_.admission.mutex);
    shared_.admission.trunk_calls.remove(it->second.name);
  }
  call_trunks_.erase(it);
}

media::DtmfMode Worker::call_dtmf(sip::CallHandle handle) const {
  auto it = call_trunks_.find(handle);
  return it == call_trunks_.end() ? config_.media.dtmf_mode : it->second.dtmf;
}

}  // namespace keyline::server
