// CallSession's recordings: the whole call (settings.record_call), paused while a private input
// module collects input, and the Record module's recording of the caller. Both are fed by the
// call's MediaSession on its 20 ms tick (media/call_recorder.h).
#include <array>
#include <cmath>
#include <filesystem>
#include <numbers>

#include "media/frames.h"
#include "server/call_session.h"

namespace keyline::server {
namespace {

// The Record module's beep: 1 kHz for 250 ms, at about -12 dBFS (a clear tone, not a shout).
media::EncodedPrompt make_beep(media::Codec codec) {
  std::array<std::int16_t, 2000> pcm{};
  for (std::size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * 1000 * i / 8000.0));
  return media::encode_prompt(codec, pcm);
}

}  // namespace

Result<std::shared_ptr<media::CallRecorder>> CallSession::open_recorder(
    const std::string& id, const media::RecorderOptions& options) {
  if (ctx_.recordings_dir.empty()) return make_error("io", "no recordings directory configured");
  if (auto dir = media::ensure_private_directory(ctx_.recordings_dir); !dir) return dir.error();
  auto recorder = media::CallRecorder::create(ctx_.recordings_dir + "/" + id + ".wav", options);
  if (!recorder) return recorder.error();
  std::shared_ptr<media::CallRecorder> shared = std::move(*recorder);
  media_->add_recorder(shared);
  return shared;
}

void CallSession::start_call_recording() {
  using Mode = flow::AppSettings::CallRecording;
  const Mode mode = app_->settings.record_call;
  if (mode == Mode::kOff) return;
  (void)open_call_recording(mode == Mode::kStereo);  // a failure is logged; the call goes on
}

Status CallSession::open_call_recording(bool stereo) {
  media::RecorderOptions options;
  options.layout = stereo ? media::RecordLayout::kStereo : media::RecordLayout::kMixed;
  call_recording_stereo_ = stereo;
  // A start after a stop begins a new file beside the first.
  ++call_recording_files_;
  call_recording_id_ = record_.call_id + "-call" +
                       (call_recording_files_ > 1 ? std::to_string(call_recording_files_) : "");
  auto recorder = open_recorder(call_recording_id_, options);
  if (!recorder) {
    // The call goes on unrecorded; the log says so (the message names no caller data).
    ctx_.logger.error(
        "call", record_.call_id + " call recording failed to start: " + recorder.error().message);
    call_recording_id_.clear();
    return recorder.error();
  }
  call_recorder_ = std::move(*recorder);
  apply_recording_pause();  // a private module may be collecting right now
  ctx_.logger.info("call", record_.call_id + " recording the call (" +
                               std::string(media::record_layout_name(options.layout)) + ")");
  return Ok{};
}

void CallSession::stop_call_recording() {
  if (!call_recorder_) return;
  media_->remove_recorder(call_recorder_.get());
  auto info = call_recorder_->stop();
  call_recorder_.reset();
  std::string result;
  if (info) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", info->seconds);
    char paused[32];
    std::snprintf(paused, sizeof paused, "%.1f", static_cast<double>(info->paused_frames) * 0.02);
    result = "call:" + call_recording_id_ + " (" + seconds + " s, paused " + paused + " s)";
    finished_recording_ = ctx_.recordings_dir + "/" + call_recording_id_ + ".wav";
    if (ctx_.recording_finished) {
      // Metadata only (never audio): written on the sender's thread, before its upload.
      store::RecordingRecord row;
      row.session_id = record_.call_id;
      row.deployment = record_.deployment;
      row.app = record_.app;
      row.path = finished_recording_;
      row.channels = call_recording_stereo_ ? "stereo" : "mixed";
      row.duration_s = info->seconds;
      std::error_code ec;
      const auto size = std::filesystem::file_size(finished_recording_, ec);
      row.bytes = ec ? 0 : static_cast<std::int64_t>(size);
      row.created_unix_ms = unix_ms(wall_now());
      row.upload_state = store::UploadState::kKept;  // the sender marks a queued upload pending
      ctx_.recording_finished(std::move(row));
    }
  } else {
    result = "error";
    ctx_.logger.error("call", record_.call_id + " call recording lost: " + info.error().message);
  }
  record_.visits.push_back({"", "", "recording", result});
}

void CallSession::private_input(bool active) {
  private_input_active_ = active;
  if (!call_recorder_ || ended_) return;
  // Exact to the frame: the next tick's frame is already silence (or, on resume, audio).
  apply_recording_pause();
  ctx_.logger.info("call", record_.call_id + (active ? " recording paused for private input"
                                                     : " private input over"));
}

void CallSession::apply_recording_pause() {
  if (!call_recorder_) return;
  if (private_input_active_ || recording_paused_by_module_) {
    call_recorder_->pause();
  } else {
    call_recorder_->resume();
  }
}

void CallSession::start_record(const flow::RecordRequest& request) {
  if (module_recorder_) finish_record("replaced", '\0', false);
  record_request_ = request;
  record_id_ = record_.call_id + "-r" + std::to_string(++recordings_);
  media::RecorderOptions options;
  options.layout = media::RecordLayout::kCallerMono;
  media::VadConfig vad;
  vad.trailing_silence_ms = static_cast<int>(request.final_silence.count());
  options.vad = vad;
  auto recorder = open_recorder(record_id_, options);
  if (!recorder) {
    ctx_.logger.error("call", record_.call_id + " recording " + request.module +
                                  " failed: " + recorder.error().message);
    flow::RecordResult r;
    r.outcome = flow::RecordResult::Outcome::kError;
    r.reason = recorder.error().message;
    std::weak_ptr<bool> alive = alive_;
    ctx_.loop.post([this, alive, r] {
      if (!alive.expired() && interpreter_ && !ended_) interpreter_->on_record_done(r);
    });
    return;
  }
  module_recorder_ = std::move(*recorder);
  // The beep goes to the caller only; the recording holds the caller's side.
  if (request.beep)
    media_->play(std::make_shared<const media::EncodedPrompt>(make_beep(stream_.codec)));
}

void CallSession::stop_record(char termchar) {
  if (module_recorder_) finish_record("key", termchar, true);
}

void CallSession::check_record() {
  if (!module_recorder_ || ended_) return;
  const auto elapsed = std::chrono::milliseconds(module_recorder_->frames() * 20);
  const auto speech = module_recorder_->speech();
  if (speech == media::VadState::kEnded) {
    finish_record("silence", '\0', true);
  } else if (elapsed >= record_request_.max_length) {
    finish_record("max_length", '\0', true);
  } else if (speech == media::VadState::kWaiting && elapsed >= record_request_.no_input) {
    finish_record("no_input", '\0', true);
  }
}

void CallSession::finish_record(const char* reason, char termchar, bool deliver) {
  std::shared_ptr<media::CallRecorder> recorder = std::move(module_recorder_);
  module_recorder_.reset();
  media_->remove_recorder(recorder.get());
  media_->stop_playout();  // a beep still playing
  const bool said_something = recorder->speech() != media::VadState::kWaiting;
  flow::RecordResult r;
  r.reason = reason;
  r.termchar = termchar;
  if (!said_something) {
    // Nothing but silence (or keys): no file is kept.
    recorder->discard();
    r.outcome = flow::RecordResult::Outcome::kNoInput;
    r.reason = "no_input";
  } else if (auto info = recorder->stop()) {
    r.id = record_id_;
    r.path = info->path;
    r.seconds = info->seconds;
  } else {
    r.outcome = flow::RecordResult::Outcome::kError;
    r.reason = info.error().message;
  }
  ctx_.logger.info("call", record_.call_id + " recording " + record_request_.module + " ended (" +
                               r.reason + ")");
  if (deliver && interpreter_ && !ended_) interpreter_->on_record_done(std::move(r));
}

}  // namespace keyline::server
