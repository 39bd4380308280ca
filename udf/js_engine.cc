// js_engine.cc — see js_engine.h.
#include "udf/js_engine.h"

#include <cstdlib>
#include <cstring>

#include "core/debug_log.h"
#include "core/interruption.h"
#include "udf/doc_object.h"
#include "udf/v8_platform.h"
#include "udf/watchdog.h"

namespace xtractr {

extern const char kJs_mapreduce[];
extern const char kJs_reports[];
extern const char kJs_charts[];
extern const char kJs_vega[];
extern const char kJs_vega_lite[];

namespace {

// Counts ArrayBuffer memory against the heap limit (V8's heap limit does not cover it).
class CappedAllocator : public v8::ArrayBuffer::Allocator {
 public:
  explicit CappedAllocator(size_t cap) : cap_(cap) {}
  void *Allocate(size_t length) override {
    if (!reserve(length)) return nullptr;
    void *p = std::calloc(length ? length : 1, 1);
    if (!p) used_ -= length;
    return p;
  }
  void *AllocateUninitialized(size_t length) override {
    if (!reserve(length)) return nullptr;
    void *p = std::malloc(length ? length : 1);
    if (!p) used_ -= length;
    return p;
  }
  void Free(void *data, size_t length) override {
    std::free(data);
    used_ -= length;
  }

 private:
  bool reserve(size_t length) {
    if (used_.fetch_add(length) + length > cap_) {
      used_ -= length;
      return false;
    }
    return true;
  }
  size_t cap_;
  std::atomic<size_t> used_{0};
};

constexpr size_t kMiB = size_t(1) << 20;

}  // namespace

v8::Local<v8::String> js_string(v8::Isolate *isolate, std::string_view text) {
  v8::Local<v8::String> s;
  if (text.size() > size_t(v8::String::kMaxLength) ||
      !v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, int(text.size())).ToLocal(&s))
    throw UserError("text of " + std::to_string(text.size()) + " bytes is too long for a JavaScript string");
  return s;
}

std::string js_utf8(v8::Isolate *isolate, v8::Local<v8::Value> value) {
  v8::String::Utf8Value text(isolate, value);
  return *text ? std::string(*text, size_t(text.length())) : std::string("(unprintable value)");
}

JsEngine::JsEngine(sqlite3 *db, int64_t heap_mb, int64_t timeout_ms)
    : db_(db), heap_mb_(heap_mb), timeout_ms_(timeout_ms) {
  ensure_v8();
  DebugPhase phase("JavaScript isolate");
  const size_t heap = size_t(heap_mb) * kMiB;
  allocator_ = std::make_unique<CappedAllocator>(heap);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  params.constraints.ConfigureDefaultsFromHeapSize(0, heap);
  isolate_ = v8::Isolate::New(params);
  isolate_->AddNearHeapLimitCallback(near_heap_limit, this);
  isolate_->AutomaticallyRestoreInitialHeapLimit(0.5);
  watchdog_register(this);
}

JsEngine::~JsEngine() {
  watchdog_unregister(this);
  if (!chart_context_.IsEmpty()) {
    v8::Locker locker(isolate_);
    v8::Isolate::Scope isolate_scope(isolate_);
    chart_renderer_.Reset();
    chart_context_.Reset();
  }
  isolate_->Dispose();
}

// ---- statements ----

namespace {

// The auxiliary-data key of a statement's JsStatement: negative keys belong to the prepared
// statement, not to one argument of one call (SQLite's JSON functions keep their cache so).
constexpr int kStatementKey = -0x78747200;  // "xtr"

void free_statement(void *p) { delete static_cast<std::shared_ptr<JsStatement> *>(p); }

// A context with the ECMAScript built-ins only (inside a HandleScope on the isolate).
v8::Local<v8::Context> new_context(v8::Isolate *isolate) {
  v8::Local<v8::Context> context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Object> global = context->Global();
  // Nothing here may reach outside the process; these could reach around the limits.
  for (const char *name : {"WebAssembly", "SharedArrayBuffer", "Atomics"})
    global->Delete(context, js_string(isolate, name)).FromMaybe(false);
  return context;
}

}  // namespace

JsStatement::JsStatement(std::shared_ptr<JsEngine> engine) : engine_(std::move(engine)) {
  DebugPhase phase("JavaScript context");
  v8::Isolate *isolate = engine_->isolate();
  v8::Locker locker(isolate);
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handles(isolate);
  context_.Reset(isolate, new_context(isolate));
}

JsStatement::~JsStatement() {
  v8::Isolate *isolate = engine_->isolate();
  {
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    compiled_.clear();
    driver_.Reset();
    reports_.Reset();
    docs_.reset();
    context_.Reset();
    isolate->ContextDisposedNotification();
  }
  engine_.reset();  // may dispose the isolate: never while it is locked here
}

std::shared_ptr<JsStatement> JsStatement::of(sqlite3_context *ctx, const std::shared_ptr<JsEngine> &engine) {
  auto *held = static_cast<std::shared_ptr<JsStatement> *>(sqlite3_get_auxdata(ctx, kStatementKey));
  if (held && (*held)->engine_ == engine) return *held;
  auto statement = std::make_shared<JsStatement>(engine);
  // On failure SQLite frees the copy at once; this call still has its statement.
  sqlite3_set_auxdata(ctx, kStatementKey, new std::shared_ptr<JsStatement>(statement), free_statement);
  return statement;
}

Episode::Episode(JsStatement &statement)
    : engine_(statement.engine()), previous_(engine_.current_), context_(statement.context_.Get(engine_.isolate())) {
  engine_.current_ = &statement;
  context_->Enter();
}

Episode::~Episode() {
  context_->Exit();
  engine_.current_ = previous_;
}

JsStatement &JsEngine::statement() const {
  if (!current_) throw std::logic_error("JavaScript outside of a statement's episode");
  return *current_;
}

v8::Local<v8::Context> JsEngine::context() const { return statement().context_.Get(isolate_); }

DocFactory &JsEngine::docs() {
  JsStatement &s = statement();
  if (!s.docs_) s.docs_ = std::make_unique<DocFactory>(isolate_, context());
  return *s.docs_;
}

// ---- limits ----

size_t JsEngine::near_heap_limit(void *data, size_t current, size_t) {
  auto *engine = static_cast<JsEngine *>(data);
  {
    std::lock_guard<std::mutex> lock(engine->mutex_);
    engine->stop(Stop::Memory);
  }
  // Room to unwind; restored once the heap shrinks (AutomaticallyRestoreInitialHeapLimit).
  return current + std::max<size_t>(64 * kMiB, current / 4);
}

void JsEngine::stop(Stop why) {
  if (stop_ != Stop::None) return;
  stop_ = why;
  isolate_->TerminateExecution();
}

void JsEngine::refuse_if_stopped(const std::string &what) {
  Stop stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped = statement().stopped_;
  }
  if (stopped != Stop::None) throw_stop(stopped, what);
}

void JsEngine::enter_js() {
  std::lock_guard<std::mutex> lock(mutex_);
  JsStatement &s = statement();
  call_start_ = std::chrono::steady_clock::now();
  deadline_ = call_start_ + std::chrono::milliseconds(timeout_ms_.load(std::memory_order_relaxed)) - s.used_;
  in_js_ = true;
}

// A stop requested meanwhile stays: the termination lands when the JavaScript resumes.
void JsEngine::pause_js() {
  std::lock_guard<std::mutex> lock(mutex_);
  in_js_ = false;
  statement().used_ += std::chrono::steady_clock::now() - call_start_;
}

bool JsEngine::leave_js() {
  std::lock_guard<std::mutex> lock(mutex_);
  JsStatement &s = statement();
  in_js_ = false;
  s.used_ += std::chrono::steady_clock::now() - call_start_;
  if (stop_ == Stop::None) return false;
  // Stopped: the whole statement is; a termination that did not land yet must not hit a
  // later call (of this statement or another).
  if (s.stopped_ == Stop::None) s.stopped_ = stop_;
  stop_ = Stop::None;
  isolate_->CancelTerminateExecution();
  return true;
}

void JsEngine::check_deadline() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (in_js_ && std::chrono::steady_clock::now() > deadline_) stop(Stop::Timeout);
}

void JsEngine::request_interrupt_check() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (in_js_ && stop_ == Stop::None) isolate_->RequestInterrupt(interrupt_check, this);
}

// On the calling thread, between two JavaScript instructions of the running call (inside its
// SQL call, so the connection's probe tells whether it was interrupted).
void JsEngine::interrupt_check(v8::Isolate *, void *data) {
  auto *engine = static_cast<JsEngine *>(data);
  bool interrupted = false;
  try {
    check_interrupted("");
  } catch (const Interrupted &) {
    interrupted = true;
  } catch (...) {
  }
  std::lock_guard<std::mutex> lock(engine->mutex_);
  if (interrupted && engine->in_js_) engine->stop(Stop::Interrupt);
}

void JsEngine::throw_stop(Stop why, const std::string &what) const {
  if (why == Stop::Memory)
    throw UserError("JavaScript in " + what + " stopped: heap limit of " + std::to_string(heap_mb_) +
                    " MB reached (SELECT js_config('heap_mb', N) sets it)");
  if (why == Stop::Timeout)
    throw UserError("JavaScript in " + what + " stopped: time limit of " + std::to_string(timeout_ms()) +
                    " ms reached (SELECT js_config('timeout_ms', N) sets it)");
  if (why == Stop::Interrupt) throw Interrupted("JavaScript in " + what + " was interrupted");
  throw UserError("JavaScript in " + what + " was terminated");
}

void JsEngine::fail(v8::TryCatch &trap, const std::string &what) {
  Stop stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped = statement().stopped_;
  }
  if (stopped != Stop::None) throw_stop(stopped, what);
  if (trap.HasTerminated()) {  // by V8 itself (nothing of ours asked)
    isolate_->CancelTerminateExecution();
    throw_stop(Stop::None, what);
  }
  if (!trap.HasCaught()) throw UserError("JavaScript in " + what + " produced no value");
  v8::Local<v8::Context> ctx = context();
  std::string where = what;
  v8::Local<v8::Message> message = trap.Message();
  if (!message.IsEmpty()) {
    v8::Local<v8::Value> name = message->GetScriptResourceName();
    if (!name.IsEmpty() && name->IsString()) where = js_utf8(isolate_, name);
    int line = message->GetLineNumber(ctx).FromMaybe(0);
    if (line > 0) where += ", line " + std::to_string(line);
  }
  throw UserError("JavaScript error in " + where + ": " + js_utf8(isolate_, trap.Exception()));
}

// ---- scripts ----

v8::Local<v8::Value> JsEngine::run_script(const std::string &name, const std::string &source) {
  v8::Local<v8::Context> ctx = context();
  v8::ScriptOrigin origin(isolate_, js_string(isolate_, name));
  v8::Local<v8::String> text = js_string(isolate_, source);
  return call(name, [&]() -> v8::MaybeLocal<v8::Value> {
    v8::Local<v8::Script> script;
    if (!v8::Script::Compile(ctx, text, &origin).ToLocal(&script)) return {};
    return script->Run(ctx);
  });
}

v8::Local<v8::Function> JsEngine::compile_function(const std::string &what, const std::string &source) {
  auto &compiled = statement().compiled_;
  std::string key = what + '\0' + source;
  auto found = compiled.find(key);
  if (found != compiled.end()) return found->second.Get(isolate_);
  // "(" + source on the same line keeps the user's line numbers.
  v8::Local<v8::Value> value = run_script(what, "(" + source + "\n)");
  if (!value->IsFunction())
    throw UserError(what + " must be a JavaScript function expression, e.g. 'function (doc) { emit(doc.src, 1); }'");
  v8::Local<v8::Function> function = value.As<v8::Function>();
  if (compiled.size() >= 256) compiled.clear();
  compiled.emplace(std::move(key), v8::Global<v8::Function>(isolate_, function));
  return function;
}

v8::Local<v8::Object> JsEngine::driver() {
  JsStatement &s = statement();
  if (s.driver_.IsEmpty()) {
    v8::Local<v8::Value> make = run_script("xtractr mapreduce.js", kJs_mapreduce);
    if (!make->IsFunction()) throw UserError("mapreduce.js does not evaluate to a function");
    v8::Local<v8::Value> args[] = {docs().constructor()};
    v8::Local<v8::Context> ctx = context();
    v8::Local<v8::Value> exports =
        call("xtractr mapreduce.js", [&] { return make.As<v8::Function>()->Call(ctx, ctx->Global(), 1, args); });
    if (!exports->IsObject()) throw UserError("mapreduce.js did not return its exports");
    s.driver_.Reset(isolate_, exports.As<v8::Object>());
  }
  return s.driver_.Get(isolate_);
}

v8::Local<v8::Object> JsEngine::reports() {
  JsStatement &s = statement();
  if (s.reports_.IsEmpty()) {
    v8::Local<v8::Value> table = run_script("xtractr reports.js", kJs_reports);
    if (!table->IsObject()) throw UserError("reports.js does not evaluate to an object");
    s.reports_.Reset(isolate_, table.As<v8::Object>());
  }
  return s.reports_.Get(isolate_);
}

// ---- charts ----

v8::Local<v8::Context> JsEngine::chart_context() {
  if (chart_context_.IsEmpty()) chart_context_.Reset(isolate_, new_context(isolate_));
  return chart_context_.Get(isolate_);
}

v8::Local<v8::Function> JsEngine::chart_renderer() {
  if (chart_renderer_.IsEmpty()) {
    v8::Local<v8::Context> ctx = chart_context();
    v8::Context::Scope in_charts(ctx);
    // xtractr's own scripts, untimed (Vega alone takes longer to load than a small budget)
    auto load = [&](const char *name, const char *source) {
      refuse_if_stopped(name);
      v8::ScriptOrigin origin(isolate_, js_string(isolate_, name));
      v8::Local<v8::String> text = js_string(isolate_, source);
      v8::TryCatch trap(isolate_);
      v8::Local<v8::Script> script;
      v8::Local<v8::Value> value;
      if (v8::Script::Compile(ctx, text, &origin).ToLocal(&script) && script->Run(ctx).ToLocal(&value)) return value;
      fail(trap, name);
    };
    // Vega-Lite clones specs with structuredClone, a browser/Node API plain V8 lacks; specs are JSON
    load("xtractr charts.js",
         "globalThis.structuredClone = function (v) { return v === undefined ? v : JSON.parse(JSON.stringify(v)); };");
    load("vega.min.js", kJs_vega);
    load("vega-lite.min.js", kJs_vega_lite);
    v8::Local<v8::Value> render = load("xtractr charts.js", kJs_charts);
    if (!render->IsFunction()) throw UserError("charts.js does not evaluate to a function");
    chart_renderer_.Reset(isolate_, render.As<v8::Function>());
  }
  return chart_renderer_.Get(isolate_);
}

}  // namespace xtractr
