// Stored trunks in the server's SIP admission (docs/sip.md, "Stored trunks"): the table is
// read from the store at start, after every API write that may change it, and every
// sip.trunk_reload_s seconds, and posted to every worker; a worker's admit() asks it about
// each request (worker_trunks.cc). Host names in allow lists are resolved on a thread of
// their own (trunk_hosts.h) after each read.
#include "base/secure_random.h"
#include "server/server.h"
#include "store/backend.h"

namespace keyline::server {

std::shared_ptr<const TrunkTable> Server::start_trunks(store::Backend& backend) {
  stored_trunks_ = backend.trunks();
  if (!stored_trunks_) return nullptr;
  trunks_live_ = true;
  trunk_hosts_ = std::make_unique<TrunkHostResolver>(TrunkHostResolver::system_lookup());
  read_trunks();
  return trunks_built_;
}

void Server::reload_trunks() {
  std::lock_guard lock(trunk_mutex_);
  if (!trunks_live_) return;  // the API wrote before the workers existed: start_trunks reads
  auto changed = read_trunks();
  if (!changed) return;
  for (auto& worker : workers_) worker->set_trunks(trunks_built_, *changed, trunk_version_);
}

std::optional<bool> Server::read_trunks() {
  auto records = stored_trunks_->list();
  if (!records) {
    // The last good table stays in use: a database hiccup must not open or close trunks.
    logger_.error("trunks", "reading the stored trunks failed: " + records.error().message);
    return std::nullopt;
  }
  // The previous table's digest state carries over; workers use it under the admission lock.
  std::unique_lock admission_lock(admission_.mutex);
  auto built = TrunkTable::build(*records, read_secret_ref, trunks_built_.get(), clock_,
                                 fill_secure_random, trunk_host_addresses_);
  admission_lock.unlock();
  // Names are looked up off this thread (the first worker's, on the timer); the answer comes
  // back through trunk_hosts_resolved, which reloads the table if an address changed.
  if (auto names = trunk_host_names(*records); !names.empty() && trunk_hosts_)
    trunk_hosts_->resolve(std::move(names),
                          [this](const HostAddresses& found) { trunk_hosts_resolved(found); });
  // What the table holds (never the password itself: a changed password shows as a changed
  // reference or not at all). The table is swapped in on every read, so a changed password
  // file applies; it is announced only when this changes, not on every timer tick.
  std::string fingerprint;
  for (const auto& r : *records) {
    fingerprint += r.name + "|" + r.transport + "|" + r.digest_username + "|" +
                   r.digest_password_ref + "|" + std::to_string(r.max_calls) + "|" + r.srtp + "|" +
                   r.dtmf + "|";
    for (const auto& a : r.allow) fingerprint += a + ",";
    const auto& reg = r.registration;
    fingerprint += "|" + reg.registrar + "|" + reg.aor + "|" + reg.contact_user + "|" +
                   reg.username + "|" + reg.password_ref + "|" + std::to_string(reg.expires_s);
    fingerprint += "\n";
  }
  for (const auto& [name, addresses] : trunk_host_addresses_) {
    fingerprint += name + "=";
    for (const auto& a : addresses) fingerprint += a + ",";
    fingerprint += "\n";
  }
  const bool changed = !trunks_built_ || fingerprint != trunks_fingerprint_;
  if (changed)
    for (const auto& problem : built.problems) logger_.warn("trunks", problem);
  trunks_built_ = built.table;
  trunks_fingerprint_ = std::move(fingerprint);
  if (changed) ++trunk_version_;
  return changed;
}

void Server::trunk_hosts_resolved(const HostAddresses& addresses) {
  {
    std::lock_guard lock(trunk_mutex_);
    if (addresses == trunk_host_addresses_) return;
    trunk_host_addresses_ = addresses;
  }
  logger_.info("trunks", "trunk host names resolved to new addresses: rebuilding the table");
  reload_trunks();
}

}  // namespace keyline::server
