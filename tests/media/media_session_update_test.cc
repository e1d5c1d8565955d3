// Component test: a stream re-negotiated while it runs (MediaSession::update): hold stops
// sending and resume starts it again, a new remote address is used at once, and a codec change
// transcodes the prompt already playing rather than sending it in the old codec.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "base/ids.h"
#include "io/event_loop.h"
#include "media/frames.h"
#include "media/media_session.h"

namespace keyline::media {
namespace {

void run_for(io::EventLoop& loop, int ms) {
  loop.add_timer(Millis(ms), [&loop] { loop.stop(); });
  loop.run();
}

struct Trio {
  std::unique_ptr<io::EventLoop> loop = io::EventLoop::create().value();
  IdGenerator ids{23};
  MediaConfig mc{"127.0.0.1", 44000, 44998};
  std::unique_ptr<MediaSession> a = MediaSession::create(*loop, mc, ids).value();
  std::unique_ptr<MediaSession> b = MediaSession::create(*loop, mc, ids).value();
  std::unique_ptr<MediaSession> c = MediaSession::create(*loop, mc, ids).value();
  StreamParams a_params;

  Trio() {
    a_params.remote = *io::Endpoint::parse("127.0.0.1", b->local_port());
    EXPECT_TRUE(a->start(a_params, {}));
    for (MediaSession* s : {b.get(), c.get()}) {
      StreamParams p;
      p.remote = *io::Endpoint::parse("127.0.0.1", a->local_port());
      EXPECT_TRUE(s->start(p, {}));
      s->keep_received_audio(true);
    }
  }
  // A sends `frames` frames, and the loop delivers them (generously: a loaded machine).
  void send(int frames) {
    for (int i = 0; i < frames; ++i) a->tick();
    for (int i = 0; i < 20 && b->stats().packets_received + c->stats().packets_received <
                                  a->stats().packets_sent;
         ++i)
      run_for(*loop, 10);
  }
};

TEST(MediaSessionUpdate, HoldStopsSendingAndResumeStartsAgain) {
  Trio t;
  t.send(5);
  EXPECT_EQ(t.b->stats().packets_received, 5u);
  StreamParams held = t.a_params;
  held.sending = false;  // we answered recvonly
  ASSERT_TRUE(t.a->update(held));
  t.send(10);
  run_for(*t.loop, 50);
  EXPECT_EQ(t.a->stats().packets_sent, 5u);
  EXPECT_EQ(t.b->stats().packets_received, 5u);
  ASSERT_TRUE(t.a->update(t.a_params));  // sendrecv again
  t.send(5);
  EXPECT_EQ(t.b->stats().packets_received, 10u);
}

TEST(MediaSessionUpdate, APromptPausesOnHoldAndGoesOnFromThere) {
  Trio t;
  std::vector<std::int16_t> pcm(kFrameSamples * 10, 1000);
  auto prompt = std::make_shared<EncodedPrompt>(encode_prompt(Codec::kPcmu, pcm));
  t.a->play(prompt);
  t.send(4);
  StreamParams held = t.a_params;
  held.sending = false;
  ASSERT_TRUE(t.a->update(held));
  t.send(20);
  EXPECT_TRUE(t.a->playing());  // 6 frames still to go
  ASSERT_TRUE(t.a->update(t.a_params));
  t.send(5);
  EXPECT_TRUE(t.a->playing());
  t.send(1);
  EXPECT_FALSE(t.a->playing());
}

TEST(MediaSessionUpdate, NewRemoteAddressIsUsedAtOnce) {
  Trio t;
  t.send(3);
  StreamParams moved = t.a_params;
  moved.remote = *io::Endpoint::parse("127.0.0.1", t.c->local_port());
  ASSERT_TRUE(t.a->update(moved));
  t.send(4);
  EXPECT_EQ(t.b->stats().packets_received, 3u);
  EXPECT_EQ(t.c->stats().packets_received, 4u);
}

TEST(MediaSessionUpdate, CodecChangeTranscodesTheQueuedPrompt) {
  Trio t;
  // Silence encoded as PCMU: played as PCMA bytes unconverted it would decode loud.
  std::vector<std::int16_t> pcm(kFrameSamples * 20, 0);
  auto prompt = std::make_shared<EncodedPrompt>(encode_prompt(Codec::kPcmu, pcm));
  t.a->play(prompt);
  t.send(2);
  StreamParams pcma = t.a_params;
  pcma.codec = Codec::kPcma;
  pcma.payload_type = 8;
  ASSERT_TRUE(t.a->update(pcma));
  StreamParams b_pcma;
  b_pcma.remote = *io::Endpoint::parse("127.0.0.1", t.a->local_port());
  b_pcma.codec = Codec::kPcma;
  b_pcma.payload_type = 8;
  ASSERT_TRUE(t.b->update(b_pcma));
  std::size_t before = t.b->received_audio().size();
  t.send(5);
  const auto& heard = t.b->received_audio();
  ASSERT_EQ(heard.size(), before + 5 * kFrameSamples);
  int loudest = 0;
  for (std::size_t i = before; i < heard.size(); ++i)
    loudest = std::max(loudest, std::abs(heard[i]));
  EXPECT_LT(loudest, 64);
}

}  // namespace
}  // namespace keyline::media
