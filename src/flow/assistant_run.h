// Internal to the interpreter: the state of one Assistant module's conversation
// (interpreter_assistant.cc). Holds what the caller keyed or said only until it is sent.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "flow/assistant_protocol.h"
#include "flow/interpreter.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {

struct Interpreter::AssistantRun {
  // What the module waits for while the state is kAssistant.
  enum class Wait {
    kNone,
    kPlay,             // a play_text action's prompt
    kCollect,          // the caller's answer (keys, speech, or the no-input timer)
    kTransfer,         // a transfer action's outcome
    kMessage,          // a send_sms action's outcome
    kFailurePrompt,    // the failure prompt
    kFailureTransfer,  // the failure transfer's outcome
  } wait = Wait::kNone;

  int turn = 0;        // turns sent so far
  AssistantTurn next;  // the turn being prepared (its input)
  Value variables;     // the service's state, sent back with every turn
  std::vector<AssistantAction> actions;
  std::size_t next_action = 0;
  std::string failure;  // why the failure path runs (no value in it)

  bool barge_in = true;       // play_text's default (barge_in action)
  bool play_barge_in = true;  // ... of the prompt playing now
  bool skip_plays = false;    // the caller barged in: this turn's other prompts are skipped
  bool dtmf_paused = false;
  bool speech_paused = false;
  std::optional<AssistantDtmfCollect> collect;  // this turn's collect_dtmf
  std::vector<std::string> phrases;             // this turn's collect_speech
  double confidence_threshold = 0.5;            // this turn's collect_speech
  double asr_confidence = 0.5;                  // the default (set_asr confidence_percent)
  bool listening = false;                       // the host recognises speech for this turn
  std::string digits;                           // keys collected this turn

  ~AssistantRun() { wipe(); }
  void wipe() {
    secure_wipe(digits);
    secure_wipe(next.dtmf);
    secure_wipe(next.utterance);
    variables.wipe();
    for (auto& a : actions) {
      secure_wipe(a.text);
      a.variables.wipe();
    }
  }
};

}  // namespace keyline::flow
