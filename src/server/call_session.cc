#include "server/call_session.h"

#include "base/secure_wipe.h"
#include "privacy/redact.h"
#include "server/app_voices.h"
#include "server/call_media_record.h"
#include "server/oauth2_send.h"
#include "server/transfer_leg.h"

namespace keyline::server {

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

CallSession::CallSession(Context context, sip::CallHandle handle,
                         std::shared_ptr<const flow::AppDocument> app, store::CallRecord record,
                         std::unique_ptr<media::MediaSession> media, media::StreamParams stream)
    : ctx_(context),
      handle_(handle),
      app_(std::move(app)),
      record_(std::move(record)),
      media_(std::move(media)),
      stream_(std::move(stream)) {}

CallSession::~CallSession() {
  *alive_ = false;
  transfer_leg_.reset();  // hangs the second leg up
  if (transfer_timer_) ctx_.loop.cancel_timer(transfer_timer_);
  speech_.reset();
  cancel_web_request();
  cancel_audio_fetch();
  if (timer_) ctx_.loop.cancel_timer(timer_);
}

void CallSession::on_answered() {
  record_.answer_unix_ms = unix_ms(wall_now());
  media::MediaSession::Handlers handlers;
  handlers.on_digit = [this](char digit) {
    ctx_.logger.debug("call", record_.call_id + " digit received");
    if (transfer_leg_ && transfer_leg_->answered()) {
      transfer_leg_->relay_digit(digit);  // bridged: the caller's keys are for the far end
      return;
    }
    if (interpreter_) interpreter_->on_digit(digit);
  };
  handlers.on_playout_done = [this] {
    if (!playing_) return;
    playing_ = false;
    if (interpreter_) interpreter_->on_play_done();
  };
  handlers.on_audio = [this](std::span<const std::int16_t> pcm) {
    if (transfer_leg_) transfer_leg_->relay_from_caller(pcm);
    if (speech_ && !ended_) speech_->on_audio(pcm);
    if (amd_) feed_amd(pcm);
  };
  handlers.on_inactive = [this] {
    if (ended_) return;
    ctx_.logger.warn("call", record_.call_id + " no RTP/RTCP from the caller: hanging up");
    hangup_reason_ = "rtp_timeout";
    hangup();
  };
  auto started = media_->start(stream_, std::move(handlers));
  stream_.srtp.reset();  // wipes our copy: the keys live in the media session now
  if (!started) {
    ctx_.logger.error("call",
                      record_.call_id + " media could not start: " + started.error().message);
    hangup();
    return;
  }

  flow::Variables session;
  session.set("session.id", record_.call_id);
  session.set("session.callid", record_.sip_call_id);
  session.set("session.connection.ani", record_.from);
  session.set("session.connection.dnis", record_.to);
  for (const auto& [name, value] : ctx_.variables) session.set(name, value);
  if (ctx_.outbound) set_outbound_variables(session);
  interpreter_ = std::make_unique<flow::Interpreter>(*app_, *this, std::move(session));
  start_call_recording();
  interpreter_->start();
}

void CallSession::play(const flow::PlayRequest& request) {
  std::uint64_t id = ++play_id_;
  playing_ = true;
  if (!request.audio_url.empty()) {
    play_url(id, request.audio_url);  // call_assistant.cc
    return;
  }
  if (!request.prompt_id.empty() && ctx_.prompts) {
    // Recorded audio in the session language; else the table's text (TTS); only with no text
    // at all the recording in the app's own language.
    const speech::LoadedAudio* audio = ctx_.prompts->find(request.prompt_id, request.language);
    if (!audio && request.text.empty())
      audio = ctx_.prompts->find(request.prompt_id, app_->settings.language);
    if (audio) {
      media_->play(audio->for_codec(stream_.codec));
      return;
    }
  }
  if (request.text.empty()) {
    media_->play(nullptr);  // nothing to say: completes at once so the flow goes on
    return;
  }
  speech::RenderRequest render;
  render.text = request.text;
  render.codec = stream_.codec;
  // Private values and "do not cache" prompts are synthesized, played and discarded.
  render.cacheable = !request.contains_private && !request.exclude_from_cache;
  render.voice = voice_for(request.language);
  if (ctx_.prompts && ctx_.prompts->size() > 0) {
    // SSML <audio src="id"> plays the app's recording of that prompt id (never a path).
    render.audio = [table = ctx_.prompts, language = request.language](std::string_view src) {
      const speech::LoadedAudio* clip = table->find(src, language);
      return clip ? clip->pcm8k : nullptr;
    };
    render.audio_scope = app_->file_name + "|" + request.language;
  }
  if (auto prompt = ctx_.renderer.cached(render)) {
    media_->play(std::move(prompt));
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  io::EventLoop& loop = ctx_.loop;
  ctx_.renderer.render(std::move(render),
                       [this, alive, id, &loop](Result<speech::SharedPrompt> prompt) {
                         // Render thread: hop back to the worker that owns the call.
                         loop.post([this, alive, id, prompt = std::move(prompt)]() mutable {
                           if (!alive.expired()) on_prompt_ready(id, std::move(prompt));
                         });
                       });
}

const speech::VoiceInfo& CallSession::voice_for(const std::string& language) {
  if (auto it = voices_.find(language); it != voices_.end()) return it->second;
  speech::VoiceInfo voice;  // empty: the renderer's default voice
  if (ctx_.voices) {
    auto chosen = app_voice(app_->settings, *ctx_.voices, language);
    if (chosen) {
      voice = std::move(*chosen);
      ctx_.logger.info("call", record_.call_id + " voice for " + language + ": " + voice.engine +
                                   ":" + voice.name);
    } else {
      ctx_.logger.warn(
          "call", record_.call_id + " " + chosen.error().message + ": using the default voice");
    }
  }
  return voices_[language] = std::move(voice);
}

void CallSession::on_prompt_ready(std::uint64_t play_id, Result<speech::SharedPrompt> prompt) {
  if (play_id != play_id_ || !playing_ || ended_) return;  // stopped or superseded meanwhile
  if (!prompt) {
    ctx_.logger.error("call",
                      record_.call_id + " prompt synthesis failed: " + prompt.error().message);
    media_->play(nullptr);  // completes at once so the flow goes on
    return;
  }
  media_->play(std::move(prompt.value()));
}

void CallSession::stop_playback() {
  ++play_id_;
  playing_ = false;
  cancel_audio_fetch();
  media_->stop_playout();
}

void CallSession::start_timer(std::chrono::milliseconds delay) {
  cancel_timer();
  std::weak_ptr<bool> alive = alive_;
  timer_ = ctx_.loop.add_timer(delay, [this, alive] {
    if (alive.expired()) return;
    timer_ = 0;
    if (interpreter_ && !ended_) interpreter_->on_timer();
  });
}

void CallSession::cancel_timer() {
  if (timer_) ctx_.loop.cancel_timer(timer_);
  timer_ = 0;
}

void CallSession::hangup() {
  if (ended_) return;
  ctx_.ua.hangup(handle_, bye_headers_);
}

services::HttpRequest CallSession::http_request_for(const flow::WebRequest& request) const {
  const HttpSettings& settings = ctx_.http_settings;
  services::HttpRequest r;
  r.method = request.method;
  r.url = request.url;
  r.headers = request.headers;
  r.body = request.body;
  r.timeout = request.timeout.count() > 0 ? request.timeout : settings.default_timeout;
  r.max_response_bytes = settings.max_response_bytes;
  r.max_redirects = settings.max_redirects;
  // A private value never travels in clear text, whatever the egress policy says.
  r.https_only = request.carries_private;
  r.carries_private = request.carries_private;
  return r;
}

void CallSession::web_request(const flow::WebRequest& request) {
  cancel_web_request();
  services::HttpRequest r = http_request_for(request);
  std::weak_ptr<bool> alive = alive_;
  const std::string module = request.module;
  auto answered = [this, alive, module](services::HttpResponse response) {
    if (alive.expired()) return;
    web_id_ = 0;
    flow::WebResponse w;
    if (response.error == services::HttpError::kTimeout) {
      w.outcome = flow::WebResponse::Outcome::kTimeout;
      w.error = "timeout: " + response.error_message;
    } else if (!response.ok()) {
      w.outcome = flow::WebResponse::Outcome::kError;
      w.error =
          std::string(services::http_error_name(response.error)) + ": " + response.error_message;
    } else {
      w.status = response.status;
      w.headers = std::move(response.headers);
      w.body = std::move(response.body);
    }
    // The module, the outcome and the time; never the URL or a body.
    ctx_.logger.info("call", record_.call_id + " rest " + module + " -> " +
                                 (response.ok() ? std::to_string(response.status) : w.error) +
                                 " in " + std::to_string(response.elapsed.count() / 1000) + " ms");
    secure_wipe(response.body);
    if (interpreter_ && !ended_) {
      interpreter_->on_web_response(std::move(w));
    } else {
      flow::wipe(w);
    }
  };
  if (request.oauth2) {
    send_oauth2_request(*request.oauth2, std::move(r), std::move(answered));
    return;
  }
  web_id_ = ctx_.http.start(std::move(r), std::move(answered));
}

void CallSession::send_oauth2_request(const flow::OAuth2Settings& oauth2,
                                      services::HttpRequest request,
                                      std::function<void(services::HttpResponse)> answered) {
  const std::uint64_t generation = web_generation_;
  std::weak_ptr<bool> alive = alive_;
  auto current = [this, alive, generation] {
    return !alive.expired() && generation == web_generation_;
  };
  // The answer always arrives on a later loop turn, as a plain request's does.
  auto done = [&loop = ctx_.loop, current,
               answered = std::move(answered)](services::HttpResponse response) {
    loop.post([current, answered, response = std::move(response)]() mutable {
      if (current()) answered(std::move(response));
    });
  };
  if (!ctx_.oauth2) {
    services::HttpResponse none;
    none.error = services::HttpError::kOther;
    none.error_message = "oauth2: this server has no token cache";
    done(std::move(none));
    return;
  }
  send_with_oauth2(
      {ctx_.http, *ctx_.oauth2, ctx_.http_settings.app_secrets}, oauth2, std::move(request),
      [this, current](services::HttpClient::RequestId id) {
        if (current()) web_id_ = id;
      },
      std::move(done));
}

void CallSession::cancel_web_request() {
  ++web_generation_;
  if (web_id_) ctx_.http.cancel(web_id_);
  web_id_ = 0;
}

bool CallSession::start_recognition(const flow::SpeechRequest& request) {
  if (!ctx_.asr || ended_) return false;
  if (!speech_) {
    CallSpeech::Handlers handlers;
    handlers.on_speech_started = [this] {
      if (!interpreter_ || ended_) return;
      const bool was_playing = playing_;
      interpreter_->on_speech_started();
      if (was_playing && !playing_)
        ctx_.logger.info("call", record_.call_id + " speech barge-in: the prompt stopped");
    };
    handlers.on_result = [this](speech::AsrResult result) {
      if (interpreter_ && !ended_) {
        interpreter_->on_speech(std::move(result));
      } else {
        result.wipe();
      }
    };
    speech_ = std::make_unique<CallSpeech>(ctx_.loop, *ctx_.asr, ctx_.metrics, ctx_.logger,
                                           record_.call_id, std::move(handlers));
  }
  speech_->start(request);
  return true;
}

void CallSession::stop_recognition() {
  if (speech_) speech_->stop();
}

Result<std::shared_ptr<const flow::AppDocument>> CallSession::load_app(std::string_view name,
                                                                       int revision) {
  if (!ctx_.load_app) return flow::FlowHost::load_app(name, revision);
  return ctx_.load_app(name, revision);
}

std::chrono::system_clock::time_point CallSession::wall_now() const {
  return std::chrono::system_clock::now();
}

void CallSession::tick() {
  media_->tick();
  if (transfer_leg_) transfer_leg_->tick();
  check_record();
}

store::CallRecord CallSession::on_ended(sip::EndReason reason, int status) {
  ended_ = true;
  cancel_timer();
  cancel_web_request();
  cancel_audio_fetch();
  if (speech_) speech_->stop();
  media_->stop_playout();
  record_.end_unix_ms = unix_ms(wall_now());
  if (interpreter_) {
    if (!interpreter_->finished()) interpreter_->on_hangup();
    record_.exit_reason = interpreter_->exit_reason();
    for (const auto& v : interpreter_->visits())
      record_.visits.push_back({v.page, v.module, v.type, v.result});
  } else {
    record_.exit_reason = std::string(sip::end_reason_name(reason));
    if (status) record_.exit_reason += ":" + std::to_string(status);
  }
  // We hung up for a reason of our own: the call log says which.
  if (!hangup_reason_.empty()) record_.exit_reason = hangup_reason_;
  cancel_transfer();  // the caller is gone: so is the second leg
  if (module_recorder_) finish_record("hangup", '\0', false);
  stop_call_recording();
  // Needs the call's variables (before they are wiped) and the finished recording.
  queue_post_call();
  if (interpreter_) interpreter_->variables().wipe();
  media_->send_bye();
  const media::MediaStats& m = media_->stats();
  if (record_.answer_unix_ms)
    record_.media = media_record(stream_.codec, media_->srtp_suite().has_value(), m);
  ctx_.logger.info(
      "call",
      "call " + record_.call_id + " ended (" + std::string(sip::end_reason_name(reason)) +
          ", app exit " + record_.exit_reason + ", " + std::to_string(record_.visits.size()) +
          " modules, rtp sent " + std::to_string(m.packets_sent) + " received " +
          std::to_string(m.packets_received) + " lost " + std::to_string(m.rtcp.packets_lost) +
          " (peer reports " + std::to_string(m.rtcp.remote_packets_lost) + "), jitter " +
          std::to_string(static_cast<int>(m.rtcp.jitter_ms)) + " ms, rtt " +
          (m.rtcp.rtt_ms ? std::to_string(static_cast<int>(*m.rtcp.rtt_ms)) + " ms"
                         : std::string("unknown")) +
          ")");
  return record_;
}

}  // namespace keyline::server
