// The confirmation step of an input module (docs/apps.md, "Confirming an entry"): a valid
// entry is read back ("You entered 1 2 3 4. Press 1 if that is right, 2 to enter it again");
// 1 takes the module's exit with it, 2 asks for the entry again. Silence or another key asks
// again, up to `attempts` times, then counts as the module's no-input / no-match.
#include "flow/interpreter.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {
namespace {

// Keys spoken one by one ("1 2 3 4"), so TTS does not read a number as "one thousand ...".
std::string spaced(std::string_view keys) {
  std::string out;
  for (char c : keys) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

// The entry as the confirmation prompt says it. Masked: how many keys, and for an entry of
// more than 8 keys the last four (as a card number may be shown: never more than that).
std::string read_back(const Module& module, ConfirmSettings::ReadBack mode, const Value& value,
                      std::string_view keys, bool spoken) {
  const ModuleType t = module.type();
  const bool keyed_text = !spoken && (t == ModuleType::kDigits || t == ModuleType::kCustomField);
  std::string text = value.to_text();
  std::string out;
  switch (mode) {
    case ConfirmSettings::ReadBack::kNone:
      break;
    case ConfirmSettings::ReadBack::kFull:
      out = keyed_text ? spaced(keys) : text;
      break;
    case ConfirmSettings::ReadBack::kMasked: {
      const std::string_view entry = spoken ? std::string_view(text) : keys;
      const bool digits = t == ModuleType::kDigits || t == ModuleType::kNumber;
      const bool one = entry.size() == 1;
      out = std::to_string(entry.size()) +
            (digits ? (one ? " digit" : " digits") : (one ? " key" : " keys"));
      if (entry.size() > 8) out += " ending in " + spaced(entry.substr(entry.size() - 4));
      break;
    }
  }
  secure_wipe(text);
  // The read-back goes into a prompt whose {{placeholders}} are substituted: it may not add any.
  for (char& c : out) {
    if (c == '{' || c == '}') c = ' ';
  }
  return out;
}

}  // namespace

void Interpreter::begin_confirmation(Value value, std::string_view keys, char termchar,
                                     const speech::AsrHypothesis* heard) {
  wipe_pending_entry();
  pending_.emplace();
  pending_->value = std::move(value);
  pending_->keys = std::string(keys);
  pending_->termchar = termchar;
  if (heard) pending_->heard = *heard;
  collector_.wipe();
  secure_wipe(typeahead_);  // keys pressed with the entry are not an answer to the read-back
  confirm_asks_ = 0;
  ask_confirmation();
}

void Interpreter::ask_confirmation() {
  ++confirm_asks_;
  const Module& module = current();
  const ConfirmSettings& confirm = module.confirm;
  bool used_private = false;
  std::string text = substitute(confirm.prompt, variables_, &used_private);
  std::string said = read_back(module, confirm.read_back, pending_->value, pending_->keys,
                               pending_->heard.has_value());
  for (std::size_t at = text.find("{value}"); at != std::string::npos;
       at = text.find("{value}", at + said.size()))
    text.replace(at, 7, said);
  // Substituted above; the braces of "{{" no longer appear, so play() leaves the text alone.
  play(text, true, module.is_private || used_private || pending_->value.is_private(),
       State::kConfirmPrompt);
  secure_wipe(text);
  secure_wipe(said);
}

void Interpreter::confirm_key(char digit) {
  disarm_timer();
  if (digit == '1') {
    PendingEntry entry = std::move(*pending_);
    pending_.reset();
    state_ = State::kIdle;
    commit_entry(std::move(entry.value), entry.keys, entry.termchar,
                 entry.heard ? &*entry.heard : nullptr);
    secure_wipe(entry.keys);
    if (entry.heard) {
      secure_wipe(entry.heard->words);
      secure_wipe(entry.heard->value);
    }
    return;
  }
  if (digit == '2') {
    // A correction, not a failure: it does not count against `retries`.
    record("confirm:no");
    wipe_pending_entry();
    state_ = State::kIdle;
    present_input("");
    return;
  }
  confirm_failed(InputOutcome::kNoMatch);
}

void Interpreter::confirm_failed(InputOutcome outcome) {
  disarm_timer();
  state_ = State::kIdle;
  if (confirm_asks_ < current().confirm.attempts) {
    ask_confirmation();
    return;
  }
  wipe_pending_entry();
  input_failed(outcome);
}

void Interpreter::wipe_pending_entry() {
  if (!pending_) return;
  pending_->value.wipe();
  secure_wipe(pending_->keys);
  if (pending_->heard) {
    secure_wipe(pending_->heard->words);
    secure_wipe(pending_->heard->value);
  }
  pending_.reset();
}

}  // namespace keyline::flow
