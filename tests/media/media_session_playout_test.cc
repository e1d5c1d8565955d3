// Component test: what a MediaSession sends while it plays a prompt, read by
// a raw UDP socket on loopback.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/ids.h"
#include "io/event_loop.h"
#include "io/udp_socket.h"
#include "media/media_session.h"
#include "media/rtp_packet.h"

namespace keyline::media {
namespace {

// The last frame of a prompt that only the play queue holds (a private
// prompt is never cached) must still go out intact: the session used to drop
// its last reference before sending that frame.
TEST(MediaSessionPlayout, LastFrameOfAnUncachedPromptIsSentIntact) {
  auto loop = io::EventLoop::create().value();
  IdGenerator ids{5};
  std::vector<std::vector<std::uint8_t>> payloads;
  auto any = io::Endpoint::parse("127.0.0.1", 0);
  auto sink =
      io::UdpSocket::bind(*loop, *any, [&](std::span<const std::uint8_t> d, const io::Endpoint&) {
        auto rtp = parse_rtp(d);
        if (rtp) payloads.emplace_back(rtp->payload.begin(), rtp->payload.end());
      });
  ASSERT_TRUE(sink);
  auto session = MediaSession::create(*loop, MediaConfig{"127.0.0.1", 44000, 44998}, ids);
  ASSERT_TRUE(session);
  StreamParams params;
  params.remote = (*sink)->local();
  ASSERT_TRUE((*session)->start(params, {}));

  // Two frames, 0x11 then 0x22; the deleter scribbles over them first, so
  // a frame read after the last reference is gone shows up as 0x55.
  auto* prompt = new EncodedPrompt;
  prompt->frames.append(0x11);
  prompt->frames.append(0x22);
  SharedPrompt shared(prompt, [](const EncodedPrompt* p) {
    auto* writable = const_cast<EncodedPrompt*>(p);
    for (std::size_t i = 0; i < writable->frames.size(); ++i) {
      auto frame = writable->frames[i];
      std::fill(frame.begin(), frame.end(), 0x55);
    }
    delete p;
  });
  (*session)->play(std::move(shared));
  (*session)->tick();
  (*session)->tick();
  loop->add_timer(Millis(100), [&] { loop->stop(); });
  loop->run();

  ASSERT_EQ(payloads.size(), 2u);
  EXPECT_TRUE(
      std::all_of(payloads[0].begin(), payloads[0].end(), [](auto b) { return b == 0x11; }));
  EXPECT_TRUE(
      std::all_of(payloads[1].begin(), payloads[1].end(), [](auto b) { return b == 0x22; }));
}

}  // namespace
}  // namespace keyline::media
