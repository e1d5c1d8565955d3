// JsSandbox: runs one Evaluate JS script in a fresh Duktape heap that is destroyed — every block
// overwritten — before run() returns, so nothing one evaluation computed (a card number, a PIN)
// survives into the next, or into freed memory. js_sandbox.cc is the only file that includes
// Duktape's headers.
//
// A script can only compute. Duktape has no I/O of its own (no print, require or file access)
// and the `Duktape` object is removed; `eval` and the Function constructor throw, so a string
// fetched from a web service can never be run as code. Each evaluation has a CPU-time budget,
// enforced by Duktape's execution time-out hook (a loop that catches the error is still
// stopped), and a memory budget enforced by the heap's allocator. Errors of every kind come
// back as Result errors; nothing throws past run().
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "flow/value.h"

namespace keyline::flow {

struct JsLimits {
  // CPU time of one evaluation (the calling thread's): heap creation, libraries, the script,
  // reading the outputs.
  std::chrono::milliseconds time{100};
  // The most the heap may hold at once, its own bookkeeping included (an empty heap with the
  // built-ins is about 100 KiB).
  std::size_t memory_bytes = std::size_t{8} << 20;
};

// Shared code an app preloads before every script (app settings `js_libraries`).
struct JsLibrary {
  std::string name;  // errors in it say "library NAME line N"
  std::string source;
};

struct JsJob {
  std::string_view name = "script";  // errors in the script say "NAME line N"
  // Global code; the result is its completion value (the value of the last expression
  // statement, as eval gives it).
  std::string_view script;
  // Or, when `script` is empty: the global function (usually from a library; "a.b" for a
  // method) to call with `arguments`; the result is its return value.
  std::string_view function;
  std::vector<Value> arguments;
  // Globals set before the script runs; "order.total" sets a property of the object `order`.
  std::vector<std::pair<std::string, Value>> inputs;
  // Globals read after it has run ("a.b" reads a property); a missing one reads as null.
  std::vector<std::string> outputs;
};

struct JsOutcome {
  Value result;  // as JSON.stringify sees it: undefined and functions become null
  std::vector<std::pair<std::string, Value>> outputs;  // in JsJob::outputs order
  std::size_t peak_memory = 0;                         // the heap's high-water mark, bytes
};

class JsSandbox {
 public:
  // Called for every block the heap releases, after it has been overwritten and before it goes
  // back to the C library: lets a test prove that no private input survives an evaluation.
  using FreeObserver = std::function<void(const unsigned char* data, std::size_t size)>;

  explicit JsSandbox(JsLimits limits = {}) : limits_(limits) {}

  void set_free_observer(FreeObserver observer) { observer_ = std::move(observer); }
  const JsLimits& limits() const { return limits_; }

  // Error kinds: "js_syntax" (the script or a library does not compile), "js_exception" (it
  // threw, or `function` is not a function), "js_timeout", "js_memory", "js_value" (a result
  // that is not JSON). When any input or argument is private, every part of the outcome is
  // private and error messages keep only the place and kind of an exception, never its text,
  // which may quote a private value.
  Result<JsOutcome> run(const JsJob& job, std::span<const JsLibrary> libraries = {}) const;

 private:
  JsLimits limits_;
  FreeObserver observer_;
};

struct JsSyntaxError {
  int line = 0;         // 1-based within the source; 0 when Duktape gave none
  std::string message;  // "SyntaxError: ..." without Duktape's own "(line N)" suffix
};

// Compiles `source` as global code without running it (for `keyline validate`).
std::optional<JsSyntaxError> check_js_syntax(std::string_view source);

}  // namespace keyline::flow
