// js_engine.h — one V8 isolate with its context, limits and error reporting (one per
// connection, see js_runtime.h).
//
// Usage (C++; every V8 call sits inside a JsScope, every run of JavaScript inside an
// Episode and an engine.call):
//
//   JsScope scope(engine);
//   Episode episode(engine);                 // one statement's worth of JavaScript
//   v8::Local<v8::Function> f = engine.compile_function("map function", source);
//   engine.call("map function", [&] { return f->Call(ctx, recv, 1, args); });
//
// How it works: the context holds only ECMAScript built-ins (plain V8 has no file, network,
// process or module access; WebAssembly, SharedArrayBuffer and Atomics are removed). The
// heap is capped with ResourceConstraints; near the cap a callback terminates the running
// script (instead of V8 aborting the process) and lends a little room to unwind;
// ArrayBuffer memory is counted against the same cap by our allocator. Time: each Episode
// has a budget (timeout_ms) of JavaScript run time; engine.call stamps a deadline that the
// watchdog thread (watchdog.h) enforces with TerminateExecution. Once an episode is stopped
// every later call in it fails at once; the next episode starts clean, so the connection
// stays usable.
#pragma once

#include <v8.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/sql_error.h"

namespace xtractr {

class DocFactory;

class JsEngine {
 public:
  JsEngine(int64_t heap_mb, int64_t timeout_ms);
  ~JsEngine();
  JsEngine(const JsEngine &) = delete;
  JsEngine &operator=(const JsEngine &) = delete;

  v8::Isolate *isolate() const { return isolate_; }
  v8::Local<v8::Context> context() const { return context_.Get(isolate_); }
  int64_t heap_mb() const { return heap_mb_; }
  void set_timeout_ms(int64_t ms) { timeout_ms_ = ms; }

  // Runs `body` (returning a v8::MaybeLocal<v8::Value>) as JavaScript run time of the current
  // episode. A JS exception, timeout or heap exhaustion becomes a UserError naming `what`.
  template <typename Body>
  v8::Local<v8::Value> call(const std::string &what, Body &&body) {
    if (stopped_) throw UserError(stop_message(what));
    v8::TryCatch trap(isolate_);
    enter_js();
    v8::MaybeLocal<v8::Value> result = body();
    leave_js();
    v8::Local<v8::Value> value;
    if (!result.IsEmpty() && !trap.HasCaught() && result.ToLocal(&value)) return value;
    throw UserError(failure_message(trap, what));
  }

  // Compiles `source` (a function expression) once per engine; `what` names it in errors.
  v8::Local<v8::Function> compile_function(const std::string &what, const std::string &source);
  // Runs a script and returns its completion value.
  v8::Local<v8::Value> run_script(const std::string &name, const std::string &source);

  DocFactory &docs();
  // mapreduce.js's exports (newJob ...) and reports.js's table of built-in reports.
  v8::Local<v8::Object> driver();
  v8::Local<v8::Object> reports();

  // Inside a call: native code that is not JavaScript (reading the next row through SQL)
  // stops the clock while it runs.
  void pause_js() { leave_js(); }
  void resume_js() { enter_js(); }

  // Episodes (Episode below): nested episodes share the outermost one's budget.
  void begin_episode();
  void end_episode();
  bool busy() const { return depth_ > 0; }

  // Called by the watchdog thread.
  void check_deadline();

 private:
  enum class Stop { None, Timeout, Memory };
  void enter_js();
  void leave_js();
  std::string failure_message(v8::TryCatch &trap, const std::string &what);
  std::string stop_message(const std::string &what) const;
  static size_t near_heap_limit(void *data, size_t current, size_t initial);

  int64_t heap_mb_;
  std::atomic<int64_t> timeout_ms_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate *isolate_ = nullptr;
  v8::Global<v8::Context> context_;
  std::unique_ptr<DocFactory> docs_;
  v8::Global<v8::Object> driver_, reports_;
  std::unordered_map<std::string, v8::Global<v8::Function>> compiled_;

  // Time accounting. Episodes begin and end, and the watchdog checks, under mutex_; the
  // per-call stamps are atomics the watchdog reads.
  std::mutex mutex_;
  int depth_ = 0;
  bool stopped_ = false;    // the current episode was stopped; fail fast
  Stop stop_ = Stop::None;  // why (set by the watchdog or the heap callback)
  std::chrono::steady_clock::duration used_{};
  std::chrono::steady_clock::time_point call_start_;
  std::atomic<int64_t> deadline_ns_{0};
  std::atomic<bool> in_js_{false};
};

// Locks and enters the engine's isolate and context for the current thread.
class JsScope {
 public:
  explicit JsScope(JsEngine &engine)
      : locker_(engine.isolate()),
        isolate_scope_(engine.isolate()),
        handles_(engine.isolate()),
        context_scope_(engine.context()) {}
  JsScope(const JsScope &) = delete;
  JsScope &operator=(const JsScope &) = delete;

 private:
  v8::Locker locker_;
  v8::Isolate::Scope isolate_scope_;
  v8::HandleScope handles_;
  v8::Context::Scope context_scope_;
};

// One statement's worth of JavaScript: begins inside a JsScope, may end anywhere.
class Episode {
 public:
  explicit Episode(JsEngine &engine) : engine_(engine) { engine_.begin_episode(); }
  ~Episode() { engine_.end_episode(); }
  Episode(const Episode &) = delete;
  Episode &operator=(const Episode &) = delete;

 private:
  JsEngine &engine_;
};

// Local<String> from UTF-8 (throws UserError when V8 refuses, e.g. a string too long).
v8::Local<v8::String> js_string(v8::Isolate *isolate, std::string_view text);
// UTF-8 text of any value (String(value) in JavaScript).
std::string js_utf8(v8::Isolate *isolate, v8::Local<v8::Value> value);

}  // namespace xtractr
