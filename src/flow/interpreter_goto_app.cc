// Go To App (docs/apps.md, "goto_app"): another app runs as a sub-app in a child interpreter
// that shares the call (its host forwards to ours) but not the variables: it gets the session
// variables and `variables_in`, and gives back `variables_out` as <module>.<name>. Its Exit
// module (or the end of its flow) returns here through the "done" exit; a sub-app that cannot
// be loaded or that fails takes "error".
#include "flow/interpreter.h"
#include "flow/sub_app_host.h"

namespace keyline::flow {
void Interpreter::run_goto_app(const Module& module) {
  const auto& go = std::get<GoToAppSettings>(module.settings);
  if (depth_ + 1 >= kMaxSubAppDepth) {
    goto_app_failed(module,
                    "apps call apps more than " + std::to_string(kMaxSubAppDepth) + " deep");
    return;
  }
  if (!loaded_apps_) loaded_apps_ = std::make_shared<LoadedApps>();
  // The first load in a call decides the revision for the rest of it.
  const std::string key = go.app + "@" + std::to_string(go.revision);
  std::shared_ptr<const AppDocument> doc;
  if (auto it = loaded_apps_->find(key); it != loaded_apps_->end()) {
    doc = it->second;
  } else {
    auto loaded = host_.load_app(go.app, go.revision);
    if (!loaded || !*loaded) {
      goto_app_failed(module,
                      loaded ? "app '" + go.app + "' is not available" : loaded.error().message);
      return;
    }
    doc = *loaded;
    loaded_apps_->emplace(key, doc);
  }

  auto given = sub_app_inputs(module, go.variables_in);
  if (!given) return;  // the module failed
  enter_sub_app(std::move(doc), std::move(*given), go.app);
}

// The sub-app sees the call (session.*) and what the caller app passes in, nothing else.
// nullopt: an expression failed and the module took its error path.
std::optional<Variables> Interpreter::sub_app_inputs(
    const Module& module, const std::vector<std::pair<std::string, Expression>>& in) {
  Variables given;
  std::vector<std::string> session_names;
  variables_.for_each([&session_names](const std::string& name, const std::string&, bool) {
    if (name.rfind("session.", 0) == 0 && name != "session.name") session_names.push_back(name);
  });
  for (const auto& name : session_names) given.set_value(name, *variables_.find(name));
  for (const auto& [name, expression] : in) {
    auto value = expression.evaluate(variables_);
    if (!value) {
      goto_app_failed(module, "variables_in '" + name + "': " + value.error().message);
      return std::nullopt;
    }
    // A private value stays private in the sub-app (its taint travels with it).
    given.set_value(name, std::move(*value), module.is_private);
  }
  return given;
}

void Interpreter::enter_sub_app(std::shared_ptr<const AppDocument> doc, Variables given,
                                const std::string& label) {
  record("start:" + label);
  sub_doc_ = std::move(doc);
  sub_host_ = std::make_unique<SubAppHost>(host_);
  sub_app_ = std::make_unique<Interpreter>(*sub_doc_, *sub_host_, std::move(given));
  sub_app_->depth_ = depth_ + 1;
  sub_app_->loaded_apps_ = loaded_apps_;
  sub_app_->language_ = language_;  // the caller's language choice holds in the sub-app
  sub_app_->variables_.set("session.language", language_);
  sub_app_->typeahead_ = std::move(typeahead_);
  typeahead_.clear();
  state_ = State::kSubApp;
  steps_since_wait_ = 0;
  sub_app_->start();
  if (sub_app_->finished()) sub_app_ended();
}

void Interpreter::forward_to_sub_app(const Event& event) {
  Interpreter& child = *sub_app_;
  switch (event.kind) {
    case Event::Kind::kStart:
      break;
    case Event::Kind::kPlayDone:
      child.on_play_done();
      break;
    case Event::Kind::kDigit:
      child.on_digit(event.digit);
      break;
    case Event::Kind::kTimer:
      child.on_timer();
      break;
    case Event::Kind::kHangup:
      child.on_hangup();
      break;
    case Event::Kind::kWebResponse:
      if (web_response_) {
        WebResponse response = std::move(*web_response_);
        web_response_.reset();
        child.on_web_response(std::move(response));
      }
      break;
    case Event::Kind::kSpeechStarted:
      child.on_speech_started();
      break;
    case Event::Kind::kSpeech:
      if (speech_result_) {
        speech::AsrResult result = std::move(*speech_result_);
        speech_result_.reset();
        child.on_speech(std::move(result));
      }
      break;
    case Event::Kind::kRecordDone:
      if (record_result_) {
        RecordResult result = std::move(*record_result_);
        record_result_.reset();
        child.on_record_done(std::move(result));
      }
      break;
    case Event::Kind::kTransferDone:
      if (transfer_result_) {
        TransferResult result = std::move(*transfer_result_);
        transfer_result_.reset();
        child.on_transfer_result(std::move(result));
      }
      break;
    case Event::Kind::kMessageDone:
      if (message_result_) {
        MessageResult result = std::move(*message_result_);
        message_result_.reset();
        child.on_message_done(std::move(result));
      }
      break;
  }
  if (child.finished()) sub_app_ended();
}

void Interpreter::sub_app_ended() {
  // Declared in this order so the child goes first, then its host, then its document.
  std::shared_ptr<const AppDocument> doc = std::move(sub_doc_);
  std::unique_ptr<SubAppHost> host = std::move(sub_host_);
  std::unique_ptr<Interpreter> child = std::move(sub_app_);
  const Module& module = current();
  // Go To App names its app; a Subdialog's document names itself.
  const auto* go = std::get_if<GoToAppSettings>(&module.settings);
  const auto* sub = std::get_if<SubdialogSettings>(&module.settings);
  const std::string app_name = go ? go->app : doc->name;
  static const std::vector<std::string> kNone;
  const std::vector<std::string>& outputs =
      go ? go->variables_out : (sub ? sub->variables_out : kNone);
  state_ = State::kIdle;
  // The sub-app's path joins the call log, its pages named "<app>:<page>".
  for (auto& visit : child->visits_) {
    visit.page = doc->name + ":" + visit.page;
    visits_.push_back(std::move(visit));
  }
  log_lines_.insert(log_lines_.end(), child->log_lines_.begin(), child->log_lines_.end());
  language_ = child->language_;  // a Language module in the sub-app chose for the call
  variables_.set("session.language", language_);
  const std::string reason = child->exit_reason();
  if (reason == "caller_hangup") {
    record("hangup");
    finish("caller_hangup", false);
    return;
  }
  if (reason == "max_retries") {  // the sub-app's own error policy said to hang up
    record("max_retries");
    finish("max_retries", true);
    return;
  }
  if (reason != "exit_module" && reason != "end_of_flow") {
    goto_app_failed(module, "app '" + app_name + "' ended with " + reason);
    return;
  }
  for (const auto& name : outputs) {
    if (auto value = child->variables_.lookup(name))
      variables_.set_value(module.name + "." + name, std::move(*value), module.is_private);
  }
  variables_.set(module.name + "$.status", "done");
  record("done");
  take_exit("done");
}

void Interpreter::goto_app_failed(const Module& module, const std::string& message) {
  state_ = State::kIdle;
  variables_.set(module.name + "$.status", "error");
  variables_.set(module.name + "$.error", message);
  record("error");
  if (auto it = module.exits.find("error"); it != module.exits.end()) {
    go_to(it->second);
  } else {
    finish("error:" + std::string(module_type_name(module.type())) + " " + module.name + ": " +
               message,
           true);
  }
}

}  // namespace keyline::flow
