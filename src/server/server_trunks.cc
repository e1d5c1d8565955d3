// Stored trunks in the server's SIP admission (docs/sip.md, "Stored trunks"): the table is
// read from the store at start, after every API write that may change it, and every
// sip.trunk_reload_s seconds; admit() asks it about each request, and each call remembers its
// trunk for the cap and the DTMF policy.
#include "base/secure_random.h"
#include "server/server.h"
#include "store/backend.h"

namespace keyline::server {

void Server::start_trunks(store::Backend& backend) {
  {
    std::lock_guard lock(trunk_mutex_);
    stored_trunks_ = backend.trunks();
    trunks_live_ = stored_trunks_ != nullptr;
  }
  reload_trunks();
  if (config_.sip.trunk_reload_s > 0)
    trunk_timer_ = loop_->add_periodic(std::chrono::seconds(config_.sip.trunk_reload_s),
                                       [this] { reload_trunks(); });
}

void Server::reload_trunks() {
  std::lock_guard lock(trunk_mutex_);
  if (!trunks_live_) return;  // the API wrote before the loop existed: start_trunks reads anyway
  auto records = stored_trunks_->list();
  if (!records) {
    // The last good table stays in use: a database hiccup must not open or close trunks.
    logger_.error("trunks", "reading the stored trunks failed: " + records.error().message);
    return;
  }
  auto built =
      TrunkTable::build(*records, read_secret_ref, trunks_built_.get(), clock_, fill_secure_random);
  // What the table holds (never the password itself: a changed password shows as a changed
  // reference or not at all). The table is swapped in on every read, so a changed password
  // file applies; it is announced only when this changes, not on every timer tick.
  std::string fingerprint;
  for (const auto& r : *records) {
    fingerprint += r.name + "|" + r.transport + "|" + r.digest_username + "|" +
                   r.digest_password_ref + "|" + std::to_string(r.max_calls) + "|" + r.srtp + "|" +
                   r.dtmf + "|";
    for (const auto& a : r.allow) fingerprint += a + ",";
    fingerprint += "\n";
  }
  const bool changed = !trunks_built_ || fingerprint != trunks_fingerprint_;
  if (changed)
    for (const auto& problem : built.problems) logger_.warn("trunks", problem);
  trunks_built_ = built.table;
  trunks_fingerprint_ = std::move(fingerprint);
  if (changed) ++trunk_version_;
  std::shared_ptr<const TrunkTable> table = built.table;
  loop_->post([this, table = std::move(table), changed, version = trunk_version_] {
    trunks_ = table;
    if (changed)
      logger_.info("trunks", "trunk table " + std::to_string(version) +
                                 " in use: " + std::to_string(table->size()) + " trunk(s)");
  });
}

std::optional<sip::Admission> Server::admit_trunk(const sip::Message& request,
                                                  const sip::Peer& from) {
  const TrunkRule* trunk = trunks_ ? trunks_->match(from.endpoint) : nullptr;
  if (!trunk) return std::nullopt;
  auto verdict = admit_on_trunk(*trunk, request, from, trunk_calls_.count(trunk->name),
                                access_->config().retry_after_s);
  if (verdict.auth_failed) access_->auth_failed(from.endpoint);
  if (!verdict.refusal) {
    if (!verdict.user.empty()) {
      access_->auth_succeeded(from.endpoint);
      logger_.info("auth", "INVITE from " + from.endpoint.to_string() + " on trunk '" +
                               trunk->name + "' authenticated as " + verdict.user);
    }
    return std::nullopt;
  }
  logger_.info("access", "INVITE from " + from.endpoint.to_string() + " refused " +
                             std::to_string(verdict.refusal->status) + ": " + verdict.reason);
  return verdict.refusal;
}

void Server::trunk_call_started(sip::CallHandle handle, const TrunkRule* trunk) {
  if (!trunk) return;
  trunk_calls_.add(trunk->name);
  call_trunks_[handle] = CallTrunk{trunk->name, trunk->dtmf};
}

void Server::trunk_call_ended(sip::CallHandle handle) {
  auto it = call_trunks_.find(handle);
  if (it == call_trunks_.end()) return;
  trunk_calls_.remove(it->second.name);
  call_trunks_.erase(it);
}

media::DtmfMode Server::call_dtmf(sip::CallHandle handle) const {
  auto it = call_trunks_.find(handle);
  return it == call_trunks_.end() ? config_.media.dtmf_mode : it->second.dtmf;
}

}  // namespace keyline::server
