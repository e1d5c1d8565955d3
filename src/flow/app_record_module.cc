// The Record module's settings and the app's whole-call recording setting.
#include "flow/app_module_readers.h"

namespace keyline::flow {

RecordSettings read_record(ValueReader& r, ObjectReader& obj) {
  RecordSettings out;
  if (auto n = obj.get("prompt")) r.read_text(*n, "prompt", out.prompt);
  if (auto n = obj.get("beep")) r.read_bool(*n, "beep", out.beep);
  // Whole seconds for the length, as builders think of it; an hour is the most a voice
  // message needs (and bounds the disk a call can fill).
  int max_seconds = static_cast<int>(out.max_length.count() / 1000);
  if (auto n = obj.get("max_seconds")) {
    if (r.read_int(*n, "max_seconds", 1, 3600, max_seconds))
      out.max_length = std::chrono::seconds(max_seconds);
  }
  if (auto n = obj.get("final_silence_ms"))
    r.read_ms(*n, "final_silence_ms", 200, 60000, out.final_silence);
  if (auto n = obj.get("no_input_ms")) r.read_ms(*n, "no_input_ms", 500, 120000, out.no_input);
  return out;
}

void read_record_call(ValueReader& r, const YAML::Node& node, AppSettings& settings) {
  std::string mode;
  if (!r.read_string(node, "record_call", mode)) return;
  if (mode == "off") {
    settings.record_call = AppSettings::CallRecording::kOff;
  } else if (mode == "stereo") {
    settings.record_call = AppSettings::CallRecording::kStereo;
  } else if (mode == "mixed") {
    settings.record_call = AppSettings::CallRecording::kMixed;
  } else {
    r.diagnostics().add(pos_of(node), "'record_call' must be \"off\", \"stereo\" or \"mixed\"");
  }
}

}  // namespace keyline::flow
