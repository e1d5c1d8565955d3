#include "io/datagram_batch.h"

#include <liburing.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace keyline::io {
namespace {

// user_data: the slot index, with the top bit telling reads from sends.
constexpr std::uint64_t kReadTag = 1ull << 63;
constexpr unsigned kRingEntries = 2048;  // room for a full send queue and a full read queue

}  // namespace

struct DatagramBatch::Ring {
  io_uring ring{};
  bool open = false;
  ~Ring() {
    if (open) io_uring_queue_exit(&ring);
  }
};

struct DatagramBatch::SendSlot {
  msghdr message{};
  iovec vector{};
  sockaddr_storage to{};
  std::uint8_t data[kMaxSend];
};

struct DatagramBatch::ReadSlot {
  msghdr message{};
  iovec vector{};
  sockaddr_storage from{};
  int result = 0;
  std::uint8_t data[kMaxRead];
};

Result<std::unique_ptr<DatagramBatch>> DatagramBatch::create() {
  auto ring = std::make_unique<Ring>();
  // The completion queue is twice the submission queue by default: a full send queue and a
  // full read queue complete without overflowing it. Without CAP_IPC_LOCK the rings count
  // against RLIMIT_MEMLOCK (64 KiB in some containers holds 256 entries): a smaller ring
  // only means more submissions, so the sizes step down before giving up.
  int failed = -EINVAL;
  for (unsigned entries = kRingEntries; entries >= 64; entries /= 2) {
    failed = io_uring_queue_init(entries, &ring->ring, 0);
    if (failed == 0) break;
  }
  if (failed < 0) return make_error("io", std::string("io_uring: ") + std::strerror(-failed));
  ring->open = true;
  return std::unique_ptr<DatagramBatch>(new DatagramBatch(std::move(ring)));
}

DatagramBatch::DatagramBatch(std::unique_ptr<Ring> ring)
    : ring_(std::move(ring)), send_slots_(kSendSlots), read_slots_(kReadSlots) {
  free_sends_.reserve(kSendSlots);
  for (std::size_t i = kSendSlots; i > 0; --i)
    free_sends_.push_back(static_cast<std::uint32_t>(i - 1));
  reads_.reserve(kReadSlots);
  delivering_.reserve(kReadSlots);
}

DatagramBatch::~DatagramBatch() {
  // Sends already handed over finish on their own (a datagram socket does not wait for its
  // peer); wait for them, a second at most, so no slot the kernel may still read is freed.
  submit_sends();
  while (free_sends_.size() < kSendSlots) {
    io_uring_cqe* cqe = nullptr;
    __kernel_timespec second{1, 0};
    if (io_uring_wait_cqe_timeout(&ring_->ring, &cqe, &second) < 0) break;
    reap();
  }
}

bool DatagramBatch::queue_send(int fd, std::span<const std::uint8_t> data, const Endpoint& to) {
  if (data.size() > kMaxSend) return false;
  if (free_sends_.empty()) {
    submit_sends();
    reap();
    if (free_sends_.empty()) return false;
  }
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
  if (sqe == nullptr) {
    submit_sends();
    sqe = io_uring_get_sqe(&ring_->ring);
    if (sqe == nullptr) return false;
  }
  const std::uint32_t index = free_sends_.back();
  free_sends_.pop_back();
  SendSlot& slot = send_slots_[index];
  std::memcpy(slot.data, data.data(), data.size());
  std::memcpy(&slot.to, to.sockaddr_ptr(), to.sockaddr_len());
  slot.vector = iovec{slot.data, data.size()};
  slot.message = msghdr{};
  slot.message.msg_name = &slot.to;
  slot.message.msg_namelen = to.sockaddr_len();
  slot.message.msg_iov = &slot.vector;
  slot.message.msg_iovlen = 1;
  io_uring_prep_sendmsg(sqe, fd, &slot.message, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, index);
  ++queued_sends_;
  return true;
}

bool DatagramBatch::queue_read(int fd, void* owner, ReadDone done) {
  if (reads_.size() >= kReadSlots) return false;
  reads_.push_back(PendingRead{fd, owner, done});
  return true;
}

void DatagramBatch::cancel_reads(void* owner) {
  for (auto& read : reads_)
    if (read.owner == owner) read.owner = nullptr;
  for (auto& read : delivering_)
    if (read.owner == owner) read.owner = nullptr;
}

void DatagramBatch::submit_sends() {
  if (queued_sends_ == 0) return;
  io_uring_submit(&ring_->ring);
  queued_sends_ = 0;
}

void DatagramBatch::reap() {
  io_uring_cqe* cqe = nullptr;
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_for_each_cqe(&ring_->ring, head, cqe) {
    complete(cqe->user_data, cqe->res);
    ++seen;
  }
  io_uring_cq_advance(&ring_->ring, seen);
}

void DatagramBatch::complete(std::uint64_t user_data, int result) {
  if (user_data & kReadTag) {
    read_slots_[user_data & ~kReadTag].result = result;
    --reads_in_flight_;
    return;
  }
  if (result < 0) ++send_errors_;
  free_sends_.push_back(static_cast<std::uint32_t>(user_data));
}

void DatagramBatch::flush() {
  if (reads_.empty()) {
    submit_sends();
    reap();
    return;
  }
  delivering_.swap(reads_);
  for (std::size_t i = 0; i < delivering_.size(); ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
    if (sqe == nullptr) {
      io_uring_submit(&ring_->ring);
      sqe = io_uring_get_sqe(&ring_->ring);
    }
    ReadSlot& slot = read_slots_[i];
    if (sqe == nullptr || delivering_[i].owner == nullptr) {
      slot.result = -ECANCELED;
      continue;
    }
    slot.result = -EINPROGRESS;
    slot.vector = iovec{slot.data, sizeof slot.data};
    slot.message = msghdr{};
    slot.message.msg_name = &slot.from;
    slot.message.msg_namelen = sizeof slot.from;
    slot.message.msg_iov = &slot.vector;
    slot.message.msg_iovlen = 1;
    // MSG_DONTWAIT: a read with nothing to read ends with EAGAIN instead of waiting for data
    // (a readiness report can be stale), so the wait below is never for the network.
    io_uring_prep_recvmsg(sqe, delivering_[i].fd, &slot.message, MSG_DONTWAIT);
    io_uring_sqe_set_data64(sqe, kReadTag | i);
    ++reads_in_flight_;
  }
  queued_sends_ = 0;  // submitted with the reads
  io_uring_submit(&ring_->ring);
  reap();
  while (reads_in_flight_ > 0) {
    io_uring_cqe* cqe = nullptr;
    const int waited = io_uring_wait_cqe(&ring_->ring, &cqe);
    if (waited == -EINTR) continue;
    if (waited < 0) break;  // cannot happen with a live ring; the reads then count as failed
    reap();
  }
  for (std::size_t i = 0; i < delivering_.size(); ++i) {
    const PendingRead& read = delivering_[i];
    const ReadSlot& slot = read_slots_[i];
    // A reader closed by an earlier delivery of this round is skipped; so is a datagram
    // longer than a slot (truncated: no RTP or RTCP packet is that long).
    if (read.owner == nullptr || slot.result < 0 || (slot.message.msg_flags & MSG_TRUNC)) continue;
    read.done(read.owner,
              std::span<const std::uint8_t>(slot.data, static_cast<std::size_t>(slot.result)),
              Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&slot.from),
                                      slot.message.msg_namelen));
  }
  delivering_.clear();
}

}  // namespace keyline::io
