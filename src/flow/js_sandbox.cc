// The Duktape adapter (the only file that includes Duktape). Duktape reports errors by longjmp
// (it is compiled as C), which would skip C++ destructors. So every call that may throw runs
// inside duk_safe_call, in the "body" functions below, which keep no object with a destructor
// on their frames: they only push, read and move values through pointers, and leave their
// answers on the Duktape stack for the C++ code to read after the protected call has returned.
#include "flow/js_sandbox.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "base/secure_wipe.h"
#include "flow/json_value.h"
#include "keyline_duktape.h"

namespace keyline::flow {
namespace {

// The budget is the evaluating thread's CPU time, not wall time: a worker that is descheduled
// on a loaded machine does not eat into a script's budget, so the same script gets the same
// verdict under any load (tests included).
std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// One heap's accounting, given to Duktape as the heap's user data.
struct HeapState {
  std::size_t limit = 0;
  std::size_t used = 0;
  std::size_t peak = 0;
  bool refused = false;    // an allocation was refused for the memory limit: the run is over
  bool timed_out = false;  // past the deadline
  std::chrono::nanoseconds deadline = std::chrono::nanoseconds::max();  // thread CPU time
  unsigned allocations = 0;
  duk_context* ctx = nullptr;  // set once the heap exists
  const JsSandbox::FreeObserver* observer = nullptr;
};

// Native code (garbage collection, a long sort) runs no bytecode, so the time-out hook would
// wait for the next 256k instructions; the allocator, which such code keeps calling, checks
// the clock too and has the executor stop at its next instruction.
void stop_soon(HeapState& state) {
  if (state.ctx) keyline_duk_interrupt_soon(state.ctx);
}

// Every block carries its size in front, so free() can overwrite all of it and the total can
// be counted. The header keeps malloc's alignment for the block after it.
constexpr std::size_t kHeader = alignof(std::max_align_t);

std::size_t block_size(void* ptr) {
  std::size_t size = 0;
  std::memcpy(&size, static_cast<unsigned char*>(ptr) - kHeader, sizeof size);
  return size;
}

void* heap_alloc(void* udata, duk_size_t size) {
  auto* state = static_cast<HeapState*>(udata);
  if (size > state->limit - state->used) {
    // Duktape collects garbage, retries, then throws a RangeError a script could catch and
    // retry forever (each attempt a full collection); so reaching the limit ends the run.
    state->refused = true;
    stop_soon(*state);
    return nullptr;
  }
  if (++state->allocations % 64 == 0 && !state->timed_out && thread_cpu_time() >= state->deadline) {
    state->timed_out = true;
    stop_soon(*state);
  }
  auto* raw = static_cast<unsigned char*>(std::malloc(kHeader + size));
  if (!raw) return nullptr;
  std::memcpy(raw, &size, sizeof size);
  state->used += size;
  state->peak = std::max(state->peak, state->used);
  return raw + kHeader;
}

void heap_free(void* udata, void* ptr) {
  if (!ptr) return;
  auto* state = static_cast<HeapState*>(udata);
  const std::size_t size = block_size(ptr);
  wipe_bytes(ptr, size);
  if (state->observer && *state->observer)
    (*state->observer)(static_cast<unsigned char*>(ptr), size);
  state->used -= size;
  std::free(static_cast<unsigned char*>(ptr) - kHeader);
}

// Never the C library's realloc: it may move the data and release the old copy unwiped.
void* heap_realloc(void* udata, void* ptr, duk_size_t size) {
  if (!ptr) return heap_alloc(udata, size);
  if (size == 0) {
    heap_free(udata, ptr);
    return nullptr;
  }
  auto* state = static_cast<HeapState*>(udata);
  const std::size_t old_size = block_size(ptr);
  if (size <= old_size) {  // shrink in place; the cut-off tail is wiped now
    wipe_bytes(static_cast<unsigned char*>(ptr) + size, old_size - size);
    std::memcpy(static_cast<unsigned char*>(ptr) - kHeader, &size, sizeof size);
    state->used -= old_size - size;
    return ptr;
  }
  void* fresh = heap_alloc(udata, size);
  if (!fresh) return nullptr;  // the old block stays valid, as realloc promises
  std::memcpy(fresh, ptr, old_size);
  heap_free(udata, ptr);
  return fresh;
}

// Only reached if Duktape is used outside a protected call: a bug here, not a script error.
void heap_fatal(void*, const char* message) {
  std::fprintf(stderr, "keyline: Duktape fatal error: %s\n", message ? message : "?");
  std::abort();
}

class Heap {
 public:
  explicit Heap(HeapState& state)
      : ctx_(duk_create_heap(heap_alloc, heap_realloc, heap_free, &state, heap_fatal)) {}
  ~Heap() {
    if (ctx_) duk_destroy_heap(ctx_);  // frees (and so overwrites) every block
  }
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;
  duk_context* get() const { return ctx_; }

 private:
  duk_context* ctx_;
};

// ---- Protected bodies: no destructors on these frames (see the top of the file). ----

duk_ret_t refuse_code_from_text(duk_context* ctx) {
  return duk_error(ctx, DUK_ERR_EVAL_ERROR, "eval and the Function constructor are disabled");
}

// Takes away what could run text as code or reach outside: eval, the Function constructor
// (also reachable as any function's .constructor) and the Duktape object (gc, finalizers,
// coroutines, introspection). `instanceof Function` keeps working through the replacement's
// prototype.
void harden(duk_context* ctx) {
  duk_push_global_object(ctx);  // [g]
  duk_del_prop_string(ctx, -1, "Duktape");
  duk_push_c_function(ctx, refuse_code_from_text, DUK_VARARGS);  // [g refuse]
  duk_put_prop_string(ctx, -2, "eval");                          // [g]
  duk_get_prop_string(ctx, -1, "Function");                      // [g F]
  duk_get_prop_string(ctx, -1, "prototype");                     // [g F Fp]
  duk_push_c_function(ctx, refuse_code_from_text, DUK_VARARGS);  // [g F Fp refuse]
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, "prototype");  // refuse.prototype = Fp
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, -3, "constructor");  // Fp.constructor = refuse
  duk_put_prop_string(ctx, -4, "Function");     // g.Function = refuse   [g F Fp]
  duk_pop_3(ctx);
}

void push_value(duk_context* ctx, const Value& v, int depth) {
  if (depth > 64) (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "an input is nested too deeply");
  duk_require_stack(ctx, 3);
  switch (v.kind()) {
    case Value::Kind::kNull:
      duk_push_null(ctx);
      return;
    case Value::Kind::kBool:
      duk_push_boolean(ctx, v.as_bool());
      return;
    case Value::Kind::kNumber:
      duk_push_number(ctx, v.as_number());
      return;
    case Value::Kind::kString:
      duk_push_lstring(ctx, v.as_string().data(), v.as_string().size());
      return;
    case Value::Kind::kList: {
      duk_push_array(ctx);
      duk_uarridx_t i = 0;
      for (const Value& item : v.as_list()) {
        push_value(ctx, item, depth + 1);
        duk_put_prop_index(ctx, -2, i++);
      }
      return;
    }
    case Value::Kind::kMap:
      duk_push_object(ctx);
      for (const auto& member : v.as_map()) {
        push_value(ctx, member.second, depth + 1);
        duk_put_prop_lstring(ctx, -2, member.first.data(), member.first.size());
      }
      return;
  }
}

// Leaves the object that holds the last part of `path` on the stack and returns that part:
// "a.b.c" walks global.a.b (creating plain objects where `create` and the step is missing).
std::string_view walk_to_parent(duk_context* ctx, std::string_view path, bool create) {
  duk_push_global_object(ctx);
  for (std::size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    duk_get_prop_lstring(ctx, -1, path.data(), dot);  // [parent child]
    if (!duk_is_object(ctx, -1)) {
      duk_pop(ctx);
      if (create) {
        duk_push_object(ctx);
        duk_dup_top(ctx);
        duk_put_prop_lstring(ctx, -3, path.data(), dot);
      } else {
        duk_push_undefined(ctx);
      }
    }
    duk_remove(ctx, -2);
    path.remove_prefix(dot + 1);
    if (!duk_is_object(ctx, -1)) break;  // reading through a missing step
  }
  return path;
}

// [value] -> [] with the value stored at `path`.
void put_path(duk_context* ctx, std::string_view path) {
  const std::string_view last = walk_to_parent(ctx, path, true);  // [value parent]
  duk_swap_top(ctx, -2);                                          // [parent value]
  duk_put_prop_lstring(ctx, -2, last.data(), last.size());
  duk_pop(ctx);
}

// [] -> [value at path, or undefined]
void get_path(duk_context* ctx, std::string_view path) {
  const std::string_view last = walk_to_parent(ctx, path, false);
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_lstring(ctx, -1, last.data(), last.size());
  } else {
    duk_push_undefined(ctx);
  }
  duk_remove(ctx, -2);
}

// [value] -> [its JSON text]; what JSON.stringify cannot represent becomes "null".
void to_json_text(duk_context* ctx) {
  if (!duk_is_undefined(ctx, -1)) duk_json_encode(ctx, -1);
  if (!duk_is_string(ctx, -1)) {
    duk_pop(ctx);
    duk_push_literal(ctx, "null");
  }
}

enum class Phase { kSetup, kCompileLibrary, kRunLibrary, kCompileScript, kRunScript, kOutputs };

struct RunState {  // trivially destructible: the protected body writes into it
  const JsJob* job;
  const JsLibrary* libraries;
  std::size_t library_count;
  Phase phase;
  std::size_t library;  // the one being loaded
};

void compile(duk_context* ctx, std::string_view source, const char* prefix, std::string_view name) {
  duk_push_lstring(ctx, source.data(), source.size());
  duk_push_string(ctx, prefix);
  duk_push_lstring(ctx, name.data(), name.size());
  duk_concat(ctx, 2);  // the file name errors report
  duk_compile(ctx, 0);
}

duk_ret_t run_body(duk_context* ctx, void* udata) {
  auto* run = static_cast<RunState*>(udata);
  const JsJob& job = *run->job;
  harden(ctx);
  for (run->library = 0; run->library < run->library_count; ++run->library) {
    const JsLibrary& library = run->libraries[run->library];
    run->phase = Phase::kCompileLibrary;
    compile(ctx, library.source, "library ", library.name);
    run->phase = Phase::kRunLibrary;
    duk_call(ctx, 0);
    duk_pop(ctx);
  }
  run->phase = Phase::kSetup;
  for (const auto& input : job.inputs) {
    push_value(ctx, input.second, 0);
    put_path(ctx, input.first);
  }
  if (!job.script.empty()) {
    run->phase = Phase::kCompileScript;
    compile(ctx, job.script, "", job.name);
    run->phase = Phase::kRunScript;
    duk_call(ctx, 0);  // a program's call returns its completion value
  } else {
    run->phase = Phase::kRunScript;
    get_path(ctx, job.function);
    if (!duk_is_callable(ctx, -1)) {
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "'%.*s' is not a function",
                      static_cast<int>(job.function.size()), job.function.data());
    }
    duk_require_stack(ctx, static_cast<duk_idx_t>(job.arguments.size()) + 2);
    for (const Value& argument : job.arguments) push_value(ctx, argument, 0);
    duk_call(ctx, static_cast<duk_idx_t>(job.arguments.size()));
  }
  run->phase = Phase::kOutputs;
  to_json_text(ctx);
  duk_require_stack(ctx, static_cast<duk_idx_t>(job.outputs.size()) + 4);
  for (const auto& output : job.outputs) {
    get_path(ctx, output);
    to_json_text(ctx);
  }
  return static_cast<duk_ret_t>(job.outputs.size() + 1);
}

// [error] -> [error, text, name, fileName, lineNumber]: reading them may run script code (a
// getter), so this too is protected.
duk_ret_t describe_body(duk_context* ctx, void*) {
  duk_dup(ctx, -1);
  duk_safe_to_string(ctx, -1);
  if (duk_is_error(ctx, -2)) {
    duk_get_prop_string(ctx, -2, "name");
    duk_get_prop_string(ctx, -3, "fileName");
    duk_get_prop_string(ctx, -4, "lineNumber");
  } else {
    duk_push_undefined(ctx);
    duk_push_undefined(ctx);
    duk_push_undefined(ctx);
  }
  return 4;
}

struct ErrorFacts {
  std::string text;  // String(error), e.g. "TypeError: undefined not callable"
  std::string name;  // "TypeError"; empty for a thrown non-Error
  std::string file;
  int line = 0;
};

// Reads the error on top of the stack (left there).
ErrorFacts describe_error(duk_context* ctx) {
  ErrorFacts facts;
  if (duk_safe_call(ctx, describe_body, nullptr, 1, 4) != DUK_EXEC_SUCCESS) {
    duk_pop_n(ctx, 4);  // describing failed too (e.g. out of time): keep the defaults
    return facts;
  }
  auto text = [ctx](duk_idx_t i) {
    duk_size_t n = 0;
    const char* s = duk_is_string(ctx, i) ? duk_get_lstring(ctx, i, &n) : nullptr;
    return s ? std::string(s, n) : std::string();
  };
  facts.text = text(-4);
  facts.name = text(-3);
  facts.file = text(-2);
  if (duk_is_number(ctx, -1)) facts.line = static_cast<int>(duk_get_number(ctx, -1));
  duk_pop_n(ctx, 4);
  return facts;
}

// Duktape appends " (line N)" or " (line N, end of input)" to syntax errors; the line is
// reported separately.
std::string without_line_suffix(std::string text) {
  const std::size_t at = text.rfind(" (line ");
  if (at != std::string::npos && text.back() == ')') text.resize(at);
  return text;
}

std::string format_size(std::size_t bytes) {
  if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string((bytes + 1023) / 1024) + " KiB";
}

Error failure(const JsLimits& limits, const HeapState& state, const RunState& run, const JsJob& job,
              const ErrorFacts& facts, bool hide_details) {
  const std::string name(job.name);
  if (state.refused)
    return make_error(
        "js_memory", name + ": stopped at the memory limit of " + format_size(limits.memory_bytes));
  if (state.timed_out)
    return make_error("js_timeout", name + ": stopped after the CPU time limit of " +
                                        std::to_string(limits.time.count()) + " ms");
  std::string where = facts.file.empty() ? name : facts.file;
  if (run.phase == Phase::kCompileLibrary || run.phase == Phase::kRunLibrary)
    where = "library " + run.libraries[run.library].name;
  if (facts.line > 0) where += " line " + std::to_string(facts.line);
  if (run.phase == Phase::kCompileLibrary || run.phase == Phase::kCompileScript)
    return make_error("js_syntax", where + ": " + without_line_suffix(facts.text));
  if (hide_details) {
    return make_error("js_exception",
                      where + ": " + (facts.name.empty() ? std::string("a value") : facts.name) +
                          " was thrown (its message is hidden: the inputs are private)");
  }
  return make_error("js_exception", where + ": " + facts.text);
}

bool any_private(const JsJob& job) {
  for (const auto& input : job.inputs)
    if (input.second.is_private()) return true;
  for (const auto& argument : job.arguments)
    if (argument.is_private()) return true;
  return false;
}

std::string_view stack_text(duk_context* ctx, duk_idx_t i) {
  duk_size_t n = 0;
  const char* s = duk_get_lstring(ctx, i, &n);
  return s ? std::string_view(s, n) : std::string_view("null");
}

duk_ret_t compile_body(duk_context* ctx, void* udata) {
  compile(ctx, *static_cast<const std::string_view*>(udata), "", "script");
  return 0;
}

}  // namespace

Result<JsOutcome> JsSandbox::run(const JsJob& job, std::span<const JsLibrary> libraries) const {
  HeapState state;
  state.limit = limits_.memory_bytes;
  state.deadline = thread_cpu_time() + limits_.time;
  state.observer = &observer_;
  const bool tainted = any_private(job);
  Heap heap(state);
  duk_context* ctx = heap.get();
  state.ctx = ctx;
  if (!ctx)
    return make_error("js_memory", std::string(job.name) + ": the memory limit of " +
                                       format_size(limits_.memory_bytes) +
                                       " is too small for an empty heap");
  RunState run{&job, libraries.data(), libraries.size(), Phase::kSetup, 0};
  const auto count = static_cast<duk_idx_t>(job.outputs.size() + 1);
  if (duk_safe_call(ctx, run_body, &run, 0, count) != DUK_EXEC_SUCCESS) {
    duk_pop_n(ctx, count - 1);  // the error comes first, padded with undefined to `count`
    const ErrorFacts facts = describe_error(ctx);
    return failure(limits_, state, run, job, facts, tainted);
  }
  JsOutcome outcome;
  for (duk_idx_t i = 0; i < count; ++i) {
    auto value = parse_json_value(stack_text(ctx, i - count), tainted);
    if (!value)
      return make_error("js_value", std::string(job.name) + ": a result is not JSON (" +
                                        value.error().message + ")");
    if (i == 0) {
      outcome.result = std::move(*value);
    } else {
      outcome.outputs.emplace_back(job.outputs[i - 1], std::move(*value));
    }
  }
  outcome.peak_memory = state.peak;
  return outcome;
}

std::optional<JsSyntaxError> check_js_syntax(std::string_view source) {
  HeapState state;
  state.limit = JsLimits{}.memory_bytes * 4;  // compiling a large script needs room
  Heap heap(state);
  if (!heap.get()) return JsSyntaxError{0, "cannot create a JavaScript heap"};
  if (duk_safe_call(heap.get(), compile_body, &source, 0, 1) == DUK_EXEC_SUCCESS)
    return std::nullopt;
  const ErrorFacts facts = describe_error(heap.get());
  if (state.refused) return JsSyntaxError{0, "the script is too large to compile"};
  return JsSyntaxError{facts.line, without_line_suffix(facts.text)};
}

}  // namespace keyline::flow

// Duktape's execution time-out hook (keyline_duktape.h), called every few hundred thousand
// bytecode instructions with the heap's user data.
extern "C" duk_bool_t keyline_duk_exec_timeout(void* udata) {
  auto* state = static_cast<keyline::flow::HeapState*>(udata);
  if (!state) return 0;
  if (!state->timed_out && keyline::flow::thread_cpu_time() >= state->deadline)
    state->timed_out = true;
  return state->timed_out || state->refused ? 1 : 0;
}
