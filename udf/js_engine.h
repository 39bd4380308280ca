// js_engine.h — one V8 isolate with its limits and error reporting (one per connection, see
// js_runtime.h), and one fresh context and time budget per SQL statement (JsStatement).
//
// Usage (C++; every V8 call sits inside a JsScope, every run of JavaScript inside an Episode
// of the statement it belongs to, and an engine.call):
//
//   std::shared_ptr<JsStatement> statement = JsStatement::of(ctx, engine);  // the SQL statement's
//   JsScope scope(*engine);
//   Episode episode(*statement);             // enters its context: engine.context() is it
//   v8::Local<v8::Function> f = engine.compile_function("map function", source);
//   engine.call("map function", [&] { return f->Call(ctx, recv, 1, args); });
//
// How it works: isolation — each SQL statement's JavaScript runs in a context of its own,
// made on its first call (~0.7 ms of CPU: V8 deserialises it from its built-in snapshot) and dropped
// when SQLite resets the statement: a map that replaces globalThis.emit, Object.prototype.toJSON
// or Array.prototype.push changes nothing for the next statement. The statement is found
// through auxiliary data on the function's sqlite3_context under a negative key (SQLite keeps
// such data for the prepared statement's whole run, across rows and functions, and frees it
// at reset, as its own JSON functions do with their cache); a table's run is a statement of
// its own. A context holds only ECMAScript built-ins (plain V8 has no file, network, process
// or module access; WebAssembly, SharedArrayBuffer and Atomics are removed).
// Memory: the heap is capped with ResourceConstraints; near the cap a callback terminates the
// running script (instead of V8 aborting the process) and lends a little room to unwind;
// ArrayBuffer memory is counted against the same cap by our allocator.
// Time: each statement has a budget (timeout_ms) of JavaScript run time, spent by all its
// calls; engine.call stamps a deadline that the watchdog thread (watchdog.h) enforces with
// TerminateExecution. The watchdog also asks a running call, a few times a second, to look
// whether its connection was interrupted (Isolate::RequestInterrupt: the callback runs on the
// calling thread, inside the SQL call, and probes the connection as check_interrupted() does),
// so sqlite3_interrupt() stops JavaScript too, with SQLITE_INTERRUPT. Once a statement is
// stopped every later call in it fails at once; the next statement starts clean, so the
// connection stays usable.
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
class JsStatement;

class JsEngine {
 public:
  // `db`: the connection whose interruption stops this engine's JavaScript.
  JsEngine(sqlite3 *db, int64_t heap_mb, int64_t timeout_ms);
  ~JsEngine();
  JsEngine(const JsEngine &) = delete;
  JsEngine &operator=(const JsEngine &) = delete;

  v8::Isolate *isolate() const { return isolate_; }
  int64_t heap_mb() const { return heap_mb_; }
  int64_t timeout_ms() const { return timeout_ms_.load(std::memory_order_relaxed); }
  void set_timeout_ms(int64_t ms) { timeout_ms_ = ms; }

  // The statement entered by the innermost Episode, and what it holds: its context, docs,
  // compiled functions and the driver scripts (each made on first use in the statement).
  JsStatement &statement() const;
  v8::Local<v8::Context> context() const;
  DocFactory &docs();
  // mapreduce.js's exports (newJob ...) and reports.js's table of built-in reports.
  v8::Local<v8::Object> driver();
  v8::Local<v8::Object> reports();
  // Compiles `source` (a function expression) once per statement; `what` names it in errors.
  v8::Local<v8::Function> compile_function(const std::string &what, const std::string &source);
  // Runs a script and returns its completion value.
  v8::Local<v8::Value> run_script(const std::string &name, const std::string &source);

  // Charts (chart_function.cc) are drawn in a context of the engine's own, not a statement's:
  // Vega and Vega-Lite (~770 KB of JavaScript) load into it on the engine's first chart and
  // stay; no user JavaScript runs there (only SQL text crosses). chart_renderer() (inside an
  // Episode, with chart_context() entered) is charts.js's render(kind, rowsJson, optionsJson)
  // -> Promise of SVG text; loading the libraries is not counted in the statement's budget.
  v8::Local<v8::Context> chart_context();
  v8::Local<v8::Function> chart_renderer();

  // Runs `body` (returning a v8::MaybeLocal<v8::Value>) as JavaScript run time of the current
  // statement. A JS exception, timeout or heap exhaustion becomes a UserError naming `what`,
  // an interrupt of the connection an Interrupted.
  template <typename Body>
  v8::Local<v8::Value> call(const std::string &what, Body &&body) {
    refuse_if_stopped(what);
    v8::TryCatch trap(isolate_);
    enter_js();
    v8::MaybeLocal<v8::Value> result = body();
    bool stopped = leave_js();
    v8::Local<v8::Value> value;
    if (!result.IsEmpty() && !trap.HasCaught() && !stopped && result.ToLocal(&value)) return value;
    fail(trap, what);
  }

  // Inside a call: native code that is not JavaScript (reading the next row through SQL)
  // stops the clock while it runs.
  void pause_js();
  void resume_js() { enter_js(); }

  // Called by the watchdog thread: stops a call past its deadline; asks a running call to
  // probe its connection for an interrupt.
  void check_deadline();
  void request_interrupt_check();

 private:
  friend class Episode;
  friend class JsStatement;
  enum class Stop { None, Timeout, Memory, Interrupt };
  void refuse_if_stopped(const std::string &what);
  void enter_js();
  bool leave_js();  // whether the call was stopped (its result, if any, is not used)
  [[noreturn]] void fail(v8::TryCatch &trap, const std::string &what);
  [[noreturn]] void throw_stop(Stop why, const std::string &what) const;
  void stop(Stop why);  // with mutex_ held
  static size_t near_heap_limit(void *data, size_t current, size_t initial);
  static void interrupt_check(v8::Isolate *isolate, void *data);

  sqlite3 *db_;
  int64_t heap_mb_;
  std::atomic<int64_t> timeout_ms_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate *isolate_ = nullptr;
  JsStatement *current_ = nullptr;  // set by Episode

  // Time accounting: the calling thread stamps a call's start and deadline; the watchdog
  // reads them and stops the call under mutex_, which enter_js/leave_js also take, so a
  // termination never outlives the call it was meant for.
  std::mutex mutex_;
  Stop stop_ = Stop::None;  // why the running call was stopped
  bool in_js_ = false;
  std::chrono::steady_clock::time_point call_start_;
  std::chrono::steady_clock::time_point deadline_;

  v8::Global<v8::Context> chart_context_;
  v8::Global<v8::Function> chart_renderer_;
};

// One SQL statement's JavaScript: a fresh context with its driver scripts and compiled
// functions, and the statement's time budget. Made and dropped on the connection's thread, with
// its isolate locked or not.
class JsStatement {
 public:
  explicit JsStatement(std::shared_ptr<JsEngine> engine);
  ~JsStatement();
  JsStatement(const JsStatement &) = delete;
  JsStatement &operator=(const JsStatement &) = delete;

  // The statement `ctx` (a scalar or aggregate step call) belongs to, made on its first
  // JavaScript call; a new one when the connection's engine changed since.
  static std::shared_ptr<JsStatement> of(sqlite3_context *ctx, const std::shared_ptr<JsEngine> &engine);

  JsEngine &engine() const { return *engine_; }
  const std::shared_ptr<JsEngine> &engine_ref() const { return engine_; }

 private:
  friend class JsEngine;
  friend class Episode;
  std::shared_ptr<JsEngine> engine_;
  v8::Global<v8::Context> context_;
  std::unique_ptr<DocFactory> docs_;
  v8::Global<v8::Object> driver_, reports_;
  std::unordered_map<std::string, v8::Global<v8::Function>> compiled_;
  // the budget (read and written under the engine's mutex_)
  std::chrono::steady_clock::duration used_{};
  JsEngine::Stop stopped_ = JsEngine::Stop::None;  // once stopped, every later call fails
};

// Locks and enters the engine's isolate for the current thread.
class JsScope {
 public:
  explicit JsScope(JsEngine &engine)
      : locker_(engine.isolate()), isolate_scope_(engine.isolate()), handles_(engine.isolate()) {}
  JsScope(const JsScope &) = delete;
  JsScope &operator=(const JsScope &) = delete;

 private:
  v8::Locker locker_;
  v8::Isolate::Scope isolate_scope_;
  v8::HandleScope handles_;
};

// One SQL callback's work for `statement` (inside a JsScope on its engine): enters its context.
class Episode {
 public:
  explicit Episode(JsStatement &statement);
  ~Episode();
  Episode(const Episode &) = delete;
  Episode &operator=(const Episode &) = delete;

 private:
  JsEngine &engine_;
  JsStatement *previous_;
  v8::Local<v8::Context> context_;
};

// Local<String> from UTF-8 (throws UserError when V8 refuses, e.g. a string too long).
v8::Local<v8::String> js_string(v8::Isolate *isolate, std::string_view text);
// UTF-8 text of any value (String(value) in JavaScript).
std::string js_utf8(v8::Isolate *isolate, v8::Local<v8::Value> value);

}  // namespace xtractr
