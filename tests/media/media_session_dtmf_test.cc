// Component test: two MediaSessions on loopback. A keys digits in-band (over
// G.722 and G.711) and B's detector hears them; a press that reaches B both
// as RFC 4733 and as SIP INFO counts once.
#include <gtest/gtest.h>

#include <string>

#include "base/ids.h"
#include "io/event_loop.h"
#include "media/media_session.h"

namespace keyline::media {
namespace {

void run_for(io::EventLoop& loop, int ms) {
  loop.add_timer(Millis(ms), [&loop] { loop.stop(); });
  loop.run();
}

struct Pair {
  std::unique_ptr<io::EventLoop> loop;
  IdGenerator ids{11};
  std::unique_ptr<MediaSession> a, b;
  std::string digits;

  // Both ends use `codec`; telephone-event only when `te`.
  void start(Codec codec, bool te, DtmfMode b_mode) {
    loop = io::EventLoop::create().value();
    MediaConfig mc{"127.0.0.1", 43000, 43998};
    a = MediaSession::create(*loop, mc, ids).value();
    b = MediaSession::create(*loop, mc, ids).value();
    StreamParams to_b;
    to_b.remote = *io::Endpoint::parse("127.0.0.1", b->local_port());
    to_b.codec = codec;
    to_b.payload_type = codec == Codec::kG722 ? 9 : 0;
    if (te) to_b.telephone_event_pt = 101;
    ASSERT_TRUE(a->start(to_b, {}));
    StreamParams to_a = to_b;
    to_a.remote = *io::Endpoint::parse("127.0.0.1", a->local_port());
    to_a.dtmf_mode = b_mode;
    // The window's length is tested with injected time in digit_input_test;
    // here real packets cross a real loop, which a loaded machine can slow
    // far past 100 ms, so the window is wide and only counting is tested.
    to_a.digit_duplicate_window = std::chrono::seconds(60);
    MediaSession::Handlers h;
    h.on_digit = [this](char d) { digits += d; };
    ASSERT_TRUE(b->start(to_a, h));
  }

  // Sends A's queued keys in bursts of packets, letting B receive between.
  void pump() {
    while (a->sending_digits()) {
      for (int i = 0; i < 10 && a->sending_digits(); ++i) a->tick();
      run_for(*loop, 5);
    }
    for (int i = 0; i < 5; ++i) a->tick();  // trailing silence
    run_for(*loop, 50);
  }
};

class InbandOverCodec : public ::testing::TestWithParam<Codec> {};

TEST_P(InbandOverCodec, TonesSentInTheAudioAreHeardAsDigits) {
  Pair p;
  p.start(GetParam(), false, DtmfMode::kAuto);
  for (char d : std::string("12345#"))
    EXPECT_EQ(p.a->send_digit(d), DigitSource::kInband);  // auto without telephone-event
  p.pump();
  EXPECT_EQ(p.digits, "12345#");
  EXPECT_EQ(p.b->stats().digits_inband, 6u);
  EXPECT_EQ(p.b->stats().digits_rfc4733, 0u);
}

INSTANTIATE_TEST_SUITE_P(Codecs, InbandOverCodec,
                         ::testing::Values(Codec::kPcmu, Codec::kPcma, Codec::kG722));

TEST(MediaSessionDtmf, Rfc4733ModeIgnoresTones) {
  Pair p;
  p.start(Codec::kPcmu, true, DtmfMode::kRfc4733);
  EXPECT_EQ(p.a->send_digit('9', DtmfMode::kInband), DigitSource::kInband);
  p.pump();
  EXPECT_EQ(p.digits, "");
  EXPECT_EQ(p.a->send_digit('9'), DigitSource::kRfc4733);
  p.pump();
  EXPECT_EQ(p.digits, "9");
}

TEST(MediaSessionDtmf, SendingRfc4733WithoutTelephoneEventIsRefused) {
  Pair p;
  p.start(Codec::kPcmu, false, DtmfMode::kAuto);
  EXPECT_FALSE(p.a->send_digit('1', DtmfMode::kRfc4733));
  EXPECT_FALSE(p.a->send_digit('x'));
  EXPECT_FALSE(p.a->sending_digits());
}

TEST(MediaSessionDtmf, SamePressByRfc4733AndSipInfoCountsOnce) {
  Pair p;
  p.start(Codec::kPcmu, true, DtmfMode::kAuto);
  p.a->send_digit('5');
  p.pump();
  ASSERT_EQ(p.digits, "5");
  p.b->inject_digit('5', DigitSource::kSipInfo);  // the INFO for the same press
  p.b->inject_digit('6', DigitSource::kSipInfo);
  run_for(*p.loop, 20);
  EXPECT_EQ(p.digits, "56");
  EXPECT_EQ(p.b->stats().digit_duplicates, 1u);
  EXPECT_EQ(p.b->stats().digits_injected, 1u);
  EXPECT_EQ(p.b->stats().digits_received, 2u);
}

TEST(MediaSessionDtmf, SamePressInBandAndRfc4733CountsOnce) {
  // A peer that negotiated telephone-event but also leaves the tone in the
  // audio: the tone arrives first, then the RFC 4733 packets for it.
  Pair p;
  p.start(Codec::kPcmu, true, DtmfMode::kAuto);
  p.a->send_digit('3', DtmfMode::kInband);
  for (int i = 0; i < 4; ++i) p.a->tick();  // 80 ms of tone: enough to detect
  run_for(*p.loop, 10);
  EXPECT_EQ(p.digits, "3");
  p.a->send_digit('3', DtmfMode::kRfc4733);  // RFC 4733 packets go before audio
  p.pump();
  EXPECT_EQ(p.digits, "3");
  EXPECT_EQ(p.b->stats().digit_duplicates, 1u);
}

}  // namespace
}  // namespace keyline::media
