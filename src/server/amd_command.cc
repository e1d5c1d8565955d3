#include "server/amd_command.h"

#include <charconv>
#include <string>
#include <string_view>

#include "media/answering_machine_detector.h"
#include "speech/audio_file.h"

namespace keyline::server {
namespace {

constexpr const char* kUsage =
    "usage: keyline amd FILE [--decision-ms N] [--initial-silence-ms N] [--greeting-max-ms N]\n"
    "       [--after-greeting-silence-ms N] [--max-words N] [--min-word-ms N] [--word-gap-ms N]\n"
    "       [--beep-min-ms N] [--no-beep-silence-ms N]\n"
    "  FILE: the callee's side of an answer (.wav 8-48 kHz mono, .ul, .al, .l16, .sln)\n";

// The settings an operator tunes, by option name.
int* setting(media::AmdSettings& s, std::string_view name) {
  if (name == "--decision-ms") return &s.decision_ms;
  if (name == "--initial-silence-ms") return &s.initial_silence_ms;
  if (name == "--greeting-max-ms") return &s.greeting_max_ms;
  if (name == "--after-greeting-silence-ms") return &s.after_greeting_silence_ms;
  if (name == "--max-words") return &s.max_words;
  if (name == "--min-word-ms") return &s.min_word_ms;
  if (name == "--word-gap-ms") return &s.word_gap_ms;
  if (name == "--beep-min-ms") return &s.beep_min_ms;
  if (name == "--no-beep-silence-ms") return &s.no_beep_silence_ms;
  return nullptr;
}

}  // namespace

int run_amd_command(int argc, char** argv, std::ostream& out, std::ostream& err) {
  media::AmdSettings settings;
  std::string file;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out << kUsage;
      return 0;
    }
    if (int* field = setting(settings, arg)) {
      const std::string_view value = i + 1 < argc ? std::string_view(argv[++i]) : "";
      int n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > 600000) {
        err << "keyline amd: " << arg << " needs a whole number from 1 to 600000\n" << kUsage;
        return 2;
      }
      *field = n;
      continue;
    }
    if (!arg.empty() && arg[0] == '-') {
      err << "keyline amd: unknown option " << arg << "\n" << kUsage;
      return 2;
    }
    if (!file.empty()) {
      err << "keyline amd: one file at a time\n" << kUsage;
      return 2;
    }
    file = std::string(arg);
  }
  if (file.empty()) {
    err << kUsage;
    return 2;
  }
  auto pcm = speech::load_audio_8k(file);
  if (!pcm) {
    err << "keyline amd: " << pcm.error().message << "\n";
    return 2;
  }
  media::AnsweringMachineDetector amd(settings);
  // 20 ms frames, as a call delivers them; after a machine, on to its beep.
  const std::span<const std::int16_t> audio(*pcm);
  for (std::size_t i = 0; i < audio.size() && !amd.ready_for_message(); i += 160) {
    (void)amd.feed(audio.subspan(i, std::min<std::size_t>(160, audio.size() - i)));
    const auto r = amd.result();
    if (r != media::CalleeType::kProcessing && r != media::CalleeType::kAnsweringMachine) break;
  }
  const auto result = amd.result();
  out << media::callee_type_name(result);
  if (result == media::CalleeType::kProcessing) {
    out << " reason=file_too_short audio_ms=" << amd.audio_ms() << "\n";
    return 0;
  }
  out << " reason=" << amd.reason() << " decision_ms=" << amd.decision_ms();
  if (result == media::CalleeType::kAnsweringMachine) {
    out << " ready_ms=";
    if (amd.ready_for_message()) {
      out << amd.ready_ms();
    } else {
      out << "-";
    }
    out << " beep_hz=";
    if (amd.beep_heard()) {
      out << static_cast<int>(amd.beep_hz() + 0.5);
    } else {
      out << "-";
    }
  }
  out << "\n";
  return 0;
}

}  // namespace keyline::server
