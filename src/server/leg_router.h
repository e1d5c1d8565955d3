// Outbound SIP legs the server starts itself (bridged transfers) share the worker's user agent
// with inbound calls; the router tells the server which handle belongs to which leg, so the
// UA's answered / provisional / ended callbacks reach it. Worker thread only.
#pragma once

#include <map>

#include "sip/message.h"
#include "sip/user_agent.h"

namespace keyline::server {

class LegEvents {
 public:
  virtual ~LegEvents() = default;
  virtual void on_leg_provisional(const sip::Message& response) = 0;
  virtual void on_leg_answered(const sip::Message& response) = 0;
  virtual void on_leg_ended(sip::EndReason reason, int status) = 0;
};

class LegRouter {
 public:
  void add(sip::CallHandle handle, LegEvents* leg) { legs_[handle] = leg; }
  void remove(sip::CallHandle handle) { legs_.erase(handle); }
  LegEvents* find(sip::CallHandle handle) const {
    auto it = legs_.find(handle);
    return it == legs_.end() ? nullptr : it->second;
  }
  std::size_t size() const { return legs_.size(); }

 private:
  std::map<sip::CallHandle, LegEvents*> legs_;
};

}  // namespace keyline::server
