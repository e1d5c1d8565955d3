// The load generator's lighter media (media_load --shared-socket): every call's RTP goes out
// of and comes back to ONE socket, as from a media gateway that multiplexes its calls on one
// port. Sends go out 64 per sendmmsg, reads come in 64 per recvmmsg, and a received packet
// finds its call by its source port (the server's RTP port for that call).
//
// The server is measured, not the generator: the server's side is unchanged (a socket per
// call, latching to where each call's packets come from), while the generator spends a
// fraction of what a full media session per call costs, so one core of two can load the
// other with 2,000 calls. RTP only (no SRTP), RTCP multiplexed and ignored.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "io/endpoint.h"
#include "io/event_loop.h"
#include "media/frames.h"
#include "media/media_session.h"
#include "media/rtp_packet.h"

namespace keyline::bench {

// RFC 3550 A.3's expected/received count for one stream, from extended sequence numbers.
struct ReceivedStream {
  bool started = false;
  std::uint32_t ssrc = 0;
  std::uint32_t base = 0;     // extended sequence number of the first packet
  std::uint32_t highest = 0;  // highest extended sequence number seen
  std::uint64_t received = 0;

  void on_packet(std::uint32_t packet_ssrc, std::uint16_t sequence) {
    if (!started || packet_ssrc != ssrc) {  // a new source starts the count afresh
      started = true;
      ssrc = packet_ssrc;
      base = highest = sequence;
      received = 1;
      return;
    }
    ++received;
    // Extend with the cycle count: a sequence number below the highest by more than half the
    // space has wrapped.
    const std::uint16_t high16 = static_cast<std::uint16_t>(highest);
    const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - high16));
    if (delta > 0) highest += static_cast<std::uint32_t>(delta);
  }
  std::int64_t expected() const { return started ? std::int64_t{highest} - base + 1 : 0; }
  std::int64_t lost() const { return expected() - static_cast<std::int64_t>(received); }
};

class SharedSocketMedia {
 public:
  struct Call {
    io::Endpoint remote;
    std::uint8_t payload_type = 0;
    std::uint32_t ssrc = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::size_t next_frame = 0;
    std::uint64_t sent = 0;
    ReceivedStream in;
  };

  static Result<std::unique_ptr<SharedSocketMedia>> open(io::EventLoop& loop,
                                                         media::SharedPrompt audio) {
    auto local = io::Endpoint::parse("127.0.0.1", 0);
    if (!local) return local.error();
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return make_error("bench", "socket failed");
    // Room for a whole tick's packets from 2,000 calls while the generator is busy sending.
    const int buffer = 16 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);
    if (::bind(fd, local->sockaddr_ptr(), local->sockaddr_len()) < 0) {
      ::close(fd);
      return make_error("bench", "bind failed");
    }
    std::unique_ptr<SharedSocketMedia> media(new SharedSocketMedia(loop, fd, std::move(audio)));
    auto added = loop.add_fd(fd, EPOLLIN, [raw = media.get()](std::uint32_t) { raw->read(); });
    if (!added) return added.error();
    return media;
  }
  ~SharedSocketMedia() {
    loop_.remove_fd(fd_);
    ::close(fd_);
  }

  std::uint16_t port() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    return io::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len).port();
  }

  void add(std::uint64_t id, Call call) {
    by_port_[call.remote.port()] = id;
    calls_[id] = std::move(call);
  }
  void remove(std::uint64_t id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    by_port_.erase(it->second.remote.port());
    calls_.erase(it);
  }
  const Call* find(std::uint64_t id) const {
    auto it = calls_.find(id);
    return it == calls_.end() ? nullptr : &it->second;
  }

  // Queues call id's next frame; flush() sends what is queued.
  void send_frame(std::uint64_t id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& call = it->second;
    const auto& frame = audio_->frames[call.next_frame];
    call.next_frame = (call.next_frame + 1) % audio_->frames.size();
    Slot& slot = slots_[queued_];
    media::RtpHeader h{call.payload_type, false, call.sequence++, call.timestamp, call.ssrc};
    call.timestamp += 160;
    slot.length = media::write_rtp(h, frame, slot.data);
    slot.to = call.remote;
    ++call.sent;
    if (++queued_ == kBatch) flush();
  }

  void flush() {
    std::array<mmsghdr, kBatch> messages{};
    std::array<iovec, kBatch> vectors{};
    for (std::size_t i = 0; i < queued_; ++i) {
      vectors[i] = iovec{slots_[i].data.data(), slots_[i].length};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_name = const_cast<sockaddr*>(slots_[i].to.sockaddr_ptr());
      messages[i].msg_hdr.msg_namelen = slots_[i].to.sockaddr_len();
    }
    std::size_t done = 0;
    while (done < queued_) {
      const int n =
          ::sendmmsg(fd_, messages.data() + done, static_cast<unsigned>(queued_ - done), 0);
      if (n <= 0) {
        send_errors_ += queued_ - done;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    queued_ = 0;
  }

  std::uint64_t unknown_sources() const { return unknown_sources_; }
  std::uint64_t send_errors() const { return send_errors_; }

 private:
  static constexpr std::size_t kBatch = 64;
  struct Slot {
    std::array<std::uint8_t, 512> data{};
    std::size_t length = 0;
    io::Endpoint to;
  };

  SharedSocketMedia(io::EventLoop& loop, int fd, media::SharedPrompt audio)
      : loop_(loop), fd_(fd), audio_(std::move(audio)) {}

  // Everything queued, 64 datagrams per call, bounded so the tick is not held up.
  void read() {
    for (int round = 0; round < 32; ++round) {
      std::array<mmsghdr, kBatch> messages{};
      std::array<iovec, kBatch> vectors{};
      std::array<sockaddr_storage, kBatch> from{};
      for (std::size_t i = 0; i < kBatch; ++i) {
        vectors[i] = iovec{read_buffers_[i].data(), read_buffers_[i].size()};
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = &from[i];
        messages[i].msg_hdr.msg_namelen = sizeof from[i];
      }
      const int n = ::recvmmsg(fd_, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) return;
      for (int i = 0; i < n; ++i) {
        const auto source = io::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from[i]),
                                                        messages[i].msg_hdr.msg_namelen);
        auto call = by_port_.find(source.port());
        if (call == by_port_.end()) {
          ++unknown_sources_;
          continue;
        }
        auto rtp = media::parse_rtp(
            std::span<const std::uint8_t>(read_buffers_[i].data(), messages[i].msg_len));
        // RTCP shares the port (rtcp-mux): payload types 72-76 with the marker bit.
        if (!rtp || (rtp->header.payload_type >= 72 && rtp->header.payload_type <= 76)) continue;
        calls_[call->second].in.on_packet(rtp->header.ssrc, rtp->header.sequence);
      }
      if (n < static_cast<int>(kBatch)) return;
    }
  }

  io::EventLoop& loop_;
  int fd_;
  media::SharedPrompt audio_;
  std::unordered_map<std::uint64_t, Call> calls_;
  std::unordered_map<std::uint16_t, std::uint64_t> by_port_;
  std::array<Slot, kBatch> slots_{};
  std::size_t queued_ = 0;
  std::array<std::array<std::uint8_t, 2048>, kBatch> read_buffers_{};
  std::uint64_t unknown_sources_ = 0;
  std::uint64_t send_errors_ = 0;
};

}  // namespace keyline::bench
