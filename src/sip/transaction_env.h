// What a transaction state machine is given by its layer: the timer service,
// the transport sink, the timer values, and where its timers fire. Internal
// to the transaction layer (the TU never sees it).
#pragma once

#include <cstddef>
#include <cstdint>

#include "sip/peer.h"
#include "sip/timer_service.h"
#include "sip/transaction.h"

namespace keyline::sip {

// A transaction's timer slots. Each transaction runs at most one timer per
// slot; the slot's meaning depends on the machine and its state.
enum class TxTimer : std::uint8_t {
  kRetransmit = 0,  // A, E, G
  kTimeout = 1,     // B, F, H; 64*T1 after CANCEL; L and M (RFC 6026)
  kLinger = 2,      // D, I, J, K: absorb retransmissions, then terminate
  kTrying = 3,      // delayed 100 Trying
};

// Receives fired timers. The id and slot travel packed in one integer so the
// callback stays small enough for std::function's inline storage: no heap
// allocation per timer.
class TxTimerTarget {
 public:
  virtual ~TxTimerTarget() = default;
  virtual void on_transaction_timer(std::uint64_t packed) = 0;

  static std::uint64_t pack(TransactionId id, TxTimer slot) {
    return (id << 2) | static_cast<std::uint64_t>(slot);
  }
  static TransactionId id_of(std::uint64_t packed) { return packed >> 2; }
  static TxTimer slot_of(std::uint64_t packed) { return static_cast<TxTimer>(packed & 3); }
};

struct TransactionEnv {
  TimerService& timers;
  TransportSink& sink;
  const TransactionConfig& config;
  TxTimerTarget& target;
};

// The timers a transaction holds, cancelled when it is destroyed so no
// callback can outlive it.
class TxTimers {
 public:
  TxTimers(TransactionEnv& env, TransactionId id) : env_(env), id_(id) {}
  ~TxTimers() {
    for (TimerHandle h : handles_) env_.timers.cancel(h);
  }
  TxTimers(const TxTimers&) = delete;
  TxTimers& operator=(const TxTimers&) = delete;

  void arm(TxTimer slot, Millis delay) {
    cancel(slot);
    TxTimerTarget* target = &env_.target;
    std::uint64_t packed = TxTimerTarget::pack(id_, slot);
    handles_[index(slot)] =
        env_.timers.schedule(delay, [target, packed] { target->on_transaction_timer(packed); });
  }
  void cancel(TxTimer slot) {
    env_.timers.cancel(handles_[index(slot)]);
    handles_[index(slot)] = 0;
  }
  // The slot fired: its handle is spent.
  void fired(TxTimer slot) { handles_[index(slot)] = 0; }
  void cancel_all() {
    for (int i = 0; i < 4; ++i) cancel(static_cast<TxTimer>(i));
  }

 private:
  static std::size_t index(TxTimer slot) { return static_cast<std::size_t>(slot); }
  TransactionEnv& env_;
  TransactionId id_;
  TimerHandle handles_[4] = {0, 0, 0, 0};
};

}  // namespace keyline::sip
