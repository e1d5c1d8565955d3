// What the Assistant module asks of a call beyond prompts and web requests (docs/apps.md,
// "assistant"): audio fetched from an https URL (play_url), a SIP INFO in the dialog
// (send_sip_info), and the headers of the BYE of a transfer by hang-up. Part of CallSession.
#include <span>

#include "base/secure_wipe.h"
#include "server/call_session.h"
#include "server/oauth2_send.h"
#include "speech/audio_file.h"

namespace keyline::server {

// The WAV is fetched with the worker's web client, so the server's egress list and TLS rules
// apply; whatever goes wrong, the prompt completes (silent) and the conversation goes on.
void CallSession::play_url(std::uint64_t play_id, const std::string& url) {
  cancel_audio_fetch();
  const HttpSettings& settings = ctx_.http_settings;
  services::HttpRequest r;
  r.method = "GET";
  r.url = url;
  r.headers.emplace_back("Accept", "audio/wav, audio/x-wav");
  r.timeout = settings.default_timeout;
  r.max_response_bytes = settings.max_response_bytes;
  r.max_redirects = settings.max_redirects;
  r.https_only = true;
  std::weak_ptr<bool> alive = alive_;
  audio_id_ =
      ctx_.http.start(std::move(r), [this, alive, play_id](services::HttpResponse response) {
        if (alive.expired()) return;
        audio_id_ = 0;
        if (play_id != play_id_ || !playing_ || ended_) return;  // stopped or superseded meanwhile
        std::string problem;
        if (!response.ok()) {
          problem = std::string(services::http_error_name(response.error)) + ": " +
                    response.error_message;
        } else if (response.status < 200 || response.status >= 300) {
          problem = "HTTP status " + std::to_string(response.status);
        } else {
          const auto* bytes = reinterpret_cast<const std::uint8_t*>(response.body.data());
          auto pcm = speech::decode_audio_8k(std::span(bytes, response.body.size()), ".wav");
          if (pcm) {
            const speech::LoadedAudio audio = speech::encode_all_codecs(*pcm);
            ctx_.logger.info("call", record_.call_id + " play_url: " +
                                         std::to_string(audio.samples / 8) + " ms of audio");
            media_->play(audio.for_codec(stream_.codec));
            return;
          }
          problem = pcm.error().message;
        }
        // The reason only: never the URL (it may name the caller).
        ctx_.logger.warn("call", record_.call_id + " play_url failed: " + problem);
        media_->play(nullptr);  // completes at once so the conversation goes on
      });
}

void CallSession::cancel_audio_fetch() {
  if (audio_id_) ctx_.http.cancel(audio_id_);
  audio_id_ = 0;
}

bool CallSession::send_sip_info(const flow::SipInfoRequest& request) {
  if (ended_) return false;
  sip::HeaderList headers(request.headers.begin(), request.headers.end());
  auto sent = ctx_.ua.send_info(handle_, request.content_type, request.body, headers);
  if (!sent) {
    ctx_.logger.warn("call", record_.call_id + " SIP INFO not sent: " + sent.error().message);
    return false;
  }
  return true;
}

bool CallSession::set_bye_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  if (ended_) return false;
  bye_headers_.assign(headers.begin(), headers.end());
  return true;
}

// The assistant's "hangup" turn: sent with the worker's client like any turn, but nothing of
// the call is captured, so it goes on after the call is gone; the answer is only logged (the
// module, the status and the time, as for every web request; never the URL or a body).
bool CallSession::send_final_web_request(const flow::WebRequest& request) {
  services::HttpRequest r = http_request_for(request);
  auto done = [&logger = ctx_.logger, call_id = record_.call_id,
               module = request.module](services::HttpResponse response) {
    logger.info("call",
                call_id + " rest " + module + " (hang-up turn) -> " +
                    (response.ok() ? std::to_string(response.status)
                                   : std::string(services::http_error_name(response.error))) +
                    " in " + std::to_string(response.elapsed.count() / 1000) + " ms");
    secure_wipe(response.body);
  };
  if (request.oauth2) {
    if (!ctx_.oauth2) return false;
    // The sender's parts are the worker's and the server's, not the call's.
    send_with_oauth2(
        {ctx_.http, *ctx_.oauth2, ctx_.http_settings.app_secrets}, *request.oauth2, std::move(r),
        [](services::HttpClient::RequestId) {}, std::move(done));
    return true;
  }
  ctx_.http.start(std::move(r), std::move(done));
  return true;
}

}  // namespace keyline::server
