// The Name and Address modules' settings (docs/apps.md, Name and Address).
#include "flow/app_module_readers.h"
#include "flow/name_address_speech.h"

namespace keyline::flow {

void read_name_address(ValueReader& r, ObjectReader& obj, const AppSettings& settings,
                       ModuleType type, Module& module) {
  VoiceAnswerSettings out;
  // A name is said in a few seconds; an address (street, town, postcode) takes longer.
  const bool address = type == ModuleType::kAddress;
  out.max_length = std::chrono::seconds(address ? 30 : 10);
  out.retries = settings.input.retries;
  out.confidence = settings.input.confidence;
  if (auto n = obj.get("prompt")) r.read_text(*n, "prompt", out.prompt);
  if (auto n = obj.get("beep")) r.read_bool(*n, "beep", out.beep);
  int max_seconds = static_cast<int>(out.max_length.count() / 1000);
  if (auto n = obj.get("max_seconds")) {
    if (r.read_int(*n, "max_seconds", 1, 300, max_seconds))
      out.max_length = std::chrono::seconds(max_seconds);
  }
  if (auto n = obj.get("final_silence_ms"))
    r.read_ms(*n, "final_silence_ms", 200, 60000, out.final_silence);
  if (auto n = obj.get("no_input_ms")) r.read_ms(*n, "no_input_ms", 500, 120000, out.no_input);
  if (auto n = obj.get("retries")) r.read_int(*n, "retries", 0, 10, out.retries);
  if (auto n = obj.get("confidence")) {
    std::optional<double> v;
    if (is_plain_scalar(*n)) v = parse_number(n->Scalar());
    if (!v || *v < 0 || *v > 1) {
      r.diagnostics().add(pos_of(*n), "'confidence' must be a number from 0 to 1");
    } else {
      out.confidence = *v;
    }
  }
  auto grammar = obj.get("grammar");
  auto phrases = obj.get("phrases");
  if (grammar) r.read_string(*grammar, "grammar", out.grammar);
  if (phrases) read_phrase_list(r, *phrases, "phrases", out.phrases);
  if (grammar && phrases)
    r.diagnostics().add(pos_of(*phrases), "give 'grammar' or 'phrases', not both");
  if (out.recognizes()) {
    if (auto g = voice_answer_grammar(out); !g)
      r.diagnostics().add(pos_of(grammar ? *grammar : *phrases), "speech: " + g.error().message);
  }
  if (module.is_private && !out.recognizes()) {
    r.diagnostics().add(module.pos, "a private " + std::string(address ? "address" : "name") +
                                        " module keeps no recording, so it needs 'phrases' or a "
                                        "'grammar' to recognize the answer (or \"private\": false "
                                        "to record it)");
  }
  if (address) {
    module.settings = AddressSettings{out};
  } else {
    module.settings = NameSettings{out};
  }
}

}  // namespace keyline::flow
