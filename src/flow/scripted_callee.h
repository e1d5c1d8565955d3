// Outbound calls without a phone (`keyline test` scenarios with `callee_type:`, `keyline
// simulate --callee-type`): session.connection.callee_type reads "processing" until the first
// prompt has played, then the scripted type — as on a real call, where answering-machine
// detection decides during the greeting (the recommended first prompt of at least 4 s).
#pragma once

#include <string>
#include <string_view>

#include "flow/variables.h"

namespace keyline::flow {

// voice, answeringmachine, fax, unknown (the decisions detection can make).
bool valid_callee_type(std::string_view type);

class ScriptedCallee {
 public:
  explicit ScriptedCallee(std::string type) : type_(std::move(type)) {}
  bool active() const { return !type_.empty(); }
  // Before the app starts: "processing".
  void start(Variables& session) const;
  // A prompt finished playing: the first time, the decision arrives.
  void on_play_done(Variables& variables);

 private:
  std::string type_;  // empty: not an outbound call (the variable is not set)
  bool decided_ = false;
};

}  // namespace keyline::flow
