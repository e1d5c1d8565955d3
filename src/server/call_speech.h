// One call's speech input: the flow asks to listen (FlowHost::start_recognition), the call's
// decoded audio (8 kHz, every 20 ms packet) goes to an AsrTurn — the VAD decides when the
// caller started and stopped speaking — and the turn is started and decoded on the
// recognition thread (speech::AsrWorker); results come back through the call's loop. What the
// caller said is never logged, and every copy of their audio is overwritten when dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/log.h"
#include "flow/speech_input.h"
#include "io/event_loop.h"
#include "server/server_metrics.h"
#include "speech/asr_turn.h"
#include "speech/asr_worker.h"

namespace keyline::server {

class CallSpeech {
 public:
  struct Handlers {
    std::function<void()> on_speech_started;           // speech barge-in
    std::function<void(speech::AsrResult)> on_result;  // once per started turn
  };

  CallSpeech(io::EventLoop& loop, speech::AsrWorker& worker, ServerMetrics* metrics, Logger& logger,
             std::string call_id, Handlers handlers);
  ~CallSpeech();
  CallSpeech(const CallSpeech&) = delete;
  CallSpeech& operator=(const CallSpeech&) = delete;

  // Starts a turn (any turn before it is dropped).
  void start(const flow::SpeechRequest& request);
  // Drops the current turn: nothing more is delivered for it.
  void stop();
  // The caller's decoded audio, 8 kHz mono.
  void on_audio(std::span<const std::int16_t> pcm);
  bool active() const { return active_; }

 private:
  void on_session(std::uint64_t id, Result<std::unique_ptr<speech::AsrSession>> session);
  void feed(std::span<const std::int16_t> pcm);
  void finish_turn();
  void deliver(std::uint64_t id, Result<speech::AsrResult> result);

  io::EventLoop& loop_;
  speech::AsrWorker& worker_;
  ServerMetrics* metrics_;
  Logger& logger_;
  std::string call_id_;
  Handlers handlers_;
  std::uint64_t turn_id_ = 0;  // a result or session for an older turn is dropped
  bool active_ = false;        // a turn is started and its result not yet delivered
  bool is_private_ = false;
  bool started_reported_ = false;
  std::unique_ptr<speech::AsrTurn> turn_;  // null until the recognition thread started it
  std::vector<std::int16_t> pending_;      // audio that came before the turn was ready
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::server
