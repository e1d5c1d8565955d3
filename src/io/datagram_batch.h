// Many sockets' UDP sends and reads in one system call per loop turn (io_uring).
//
// A worker with a thousand calls sends a thousand RTP packets every 20 ms, each from its own
// socket, and reads as many, each from its own socket: two system calls per packet, which on a
// virtual machine with page-table isolation cost as much as the network stack's own work.
// sendmmsg/recvmmsg batch one socket's datagrams, not many sockets'. io_uring batches across
// sockets: the loop queues every send and every read of a turn and submits them together.
//
// Owned by an EventLoop (EventLoop::enable_datagram_batch) and used by the UdpSockets that
// opt in (UdpSocket::set_batched). The kernel may refuse io_uring (kernel.io_uring_disabled,
// a container's seccomp filter): create() then fails and the sockets make their own calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "base/result.h"
#include "io/endpoint.h"

namespace keyline::io {

class DatagramBatch {
 public:
  // Largest datagram a queued send carries (an RTP packet of 40 ms of G.711 with SRTP's
  // overhead is 480 bytes); a bigger one goes out with its own call.
  static constexpr std::size_t kMaxSend = 512;
  // Largest datagram a queued read takes; a longer one is dropped (no RTP or RTCP packet
  // Keyline accepts is longer).
  static constexpr std::size_t kMaxRead = 2048;
  static constexpr std::size_t kSendSlots = 1024;
  static constexpr std::size_t kReadSlots = 128;

  // Where a finished read goes: the socket's receiver. `owner` identifies the reader so it
  // can withdraw its queued reads when it closes (cancel_reads).
  using ReadDone = void (*)(void* owner, std::span<const std::uint8_t> datagram,
                            const Endpoint& from);

  static Result<std::unique_ptr<DatagramBatch>> create();
  ~DatagramBatch();
  DatagramBatch(const DatagramBatch&) = delete;
  DatagramBatch& operator=(const DatagramBatch&) = delete;

  // Queues a send of a copy of `data`. False when it cannot (too big, or the queue is full even
  // after a submit): the caller sends it itself.
  bool queue_send(int fd, std::span<const std::uint8_t> data, const Endpoint& to);
  // Queues one read of fd, which epoll reported readable; flush() reads it and calls done.
  // False when the read queue is full: the caller reads it itself.
  bool queue_read(int fd, void* owner, ReadDone done);
  // Withdraws owner's queued reads (its socket is closing, maybe from inside a receiver).
  void cancel_reads(void* owner);
  // Hands the queued sends to the kernel now (a socket about to close; a caller that measures
  // when its packets left).
  void submit_sends();
  // Submits everything queued, waits for the reads (they complete at once: epoll reported
  // data and they do not wait for more) and delivers each to its reader.
  void flush();

  bool idle() const { return reads_.empty() && queued_sends_ == 0; }
  std::uint64_t send_errors() const { return send_errors_; }

 private:
  struct Ring;
  struct SendSlot;
  struct ReadSlot;
  struct PendingRead {
    int fd;
    void* owner;  // null once cancelled
    ReadDone done;
  };

  explicit DatagramBatch(std::unique_ptr<Ring> ring);
  void reap();
  void complete(std::uint64_t user_data, int result);

  std::unique_ptr<Ring> ring_;
  std::vector<SendSlot> send_slots_;
  std::vector<std::uint32_t> free_sends_;
  std::vector<ReadSlot> read_slots_;
  std::vector<PendingRead> reads_;
  std::vector<PendingRead> delivering_;  // the reads flush() is delivering
  std::size_t queued_sends_ = 0;         // prepared, not yet submitted
  int reads_in_flight_ = 0;
  std::uint64_t send_errors_ = 0;
};

}  // namespace keyline::io
