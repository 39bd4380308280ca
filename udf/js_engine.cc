// js_engine.cc — see js_engine.h.
#include "udf/js_engine.h"

#include <cstdlib>
#include <cstring>

#include "udf/doc_object.h"
#include "udf/v8_platform.h"
#include "udf/watchdog.h"

namespace xtractr {

extern const char kJs_mapreduce[];
extern const char kJs_reports[];

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

JsEngine::JsEngine(int64_t heap_mb, int64_t timeout_ms) : heap_mb_(heap_mb), timeout_ms_(timeout_ms) {
  ensure_v8();
  const size_t heap = size_t(heap_mb) * kMiB;
  allocator_ = std::make_unique<CappedAllocator>(heap);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  params.constraints.ConfigureDefaultsFromHeapSize(0, heap);
  isolate_ = v8::Isolate::New(params);
  isolate_->AddNearHeapLimitCallback(near_heap_limit, this);
  isolate_->AutomaticallyRestoreInitialHeapLimit(0.5);
  {
    v8::Locker locker(isolate_);
    v8::Isolate::Scope isolate_scope(isolate_);
    v8::HandleScope handles(isolate_);
    v8::Local<v8::Context> context = v8::Context::New(isolate_);
    v8::Context::Scope context_scope(context);
    v8::Local<v8::Object> global = context->Global();
    // Nothing here may reach outside the process; these could reach around the limits.
    for (const char *name : {"WebAssembly", "SharedArrayBuffer", "Atomics"})
      global->Delete(context, js_string(isolate_, name)).FromMaybe(false);
    context_.Reset(isolate_, context);
    docs_ = std::make_unique<DocFactory>(isolate_, context);
  }
  watchdog_register(this);
}

JsEngine::~JsEngine() {
  watchdog_unregister(this);
  {
    v8::Locker locker(isolate_);
    v8::Isolate::Scope isolate_scope(isolate_);
    compiled_.clear();
    driver_.Reset();
    reports_.Reset();
    docs_.reset();
    context_.Reset();
  }
  isolate_->Dispose();
}

DocFactory &JsEngine::docs() { return *docs_; }

size_t JsEngine::near_heap_limit(void *data, size_t current, size_t) {
  auto *engine = static_cast<JsEngine *>(data);
  {
    std::lock_guard<std::mutex> lock(engine->mutex_);
    engine->stop_ = Stop::Memory;
  }
  engine->isolate_->TerminateExecution();
  // Room to unwind; restored once the heap shrinks (AutomaticallyRestoreInitialHeapLimit).
  return current + std::max<size_t>(64 * kMiB, current / 4);
}

void JsEngine::begin_episode() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (depth_++ == 0) {
    // A termination requested for an earlier episode must not hit this one.
    isolate_->CancelTerminateExecution();
    stopped_ = false;
    stop_ = Stop::None;
    used_ = {};
  }
}

void JsEngine::end_episode() {
  std::lock_guard<std::mutex> lock(mutex_);
  --depth_;
}

// Per call: no lock (these run on the calling thread only; the watchdog reads the atomics).
// A termination the watchdog sends just as a call ends can only land on a later call of the
// same episode, which has used up its budget anyway; begin_episode cancels it for the next.
void JsEngine::enter_js() {
  auto now = std::chrono::steady_clock::now();
  call_start_ = now;
  auto deadline = now + std::chrono::milliseconds(timeout_ms_.load(std::memory_order_relaxed)) - used_;
  deadline_ns_.store(deadline.time_since_epoch().count(), std::memory_order_relaxed);
  in_js_.store(true, std::memory_order_release);
}

void JsEngine::leave_js() {
  in_js_.store(false, std::memory_order_release);
  used_ += std::chrono::steady_clock::now() - call_start_;
}

void JsEngine::check_deadline() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!in_js_.load(std::memory_order_acquire) || stop_ != Stop::None) return;
  if (std::chrono::steady_clock::now().time_since_epoch().count() > deadline_ns_.load(std::memory_order_relaxed)) {
    stop_ = Stop::Timeout;
    isolate_->TerminateExecution();
  }
}

std::string JsEngine::stop_message(const std::string &what) const {
  if (stop_ == Stop::Memory)
    return "JavaScript in " + what + " stopped: heap limit of " + std::to_string(heap_mb_) +
           " MB reached (SELECT js_config('heap_mb', N) sets it)";
  if (stop_ == Stop::Timeout)
    return "JavaScript in " + what + " stopped: time limit of " + std::to_string(timeout_ms_.load()) +
           " ms reached (SELECT js_config('timeout_ms', N) sets it)";
  return "JavaScript in " + what + " was terminated";
}

std::string JsEngine::failure_message(v8::TryCatch &trap, const std::string &what) {
  bool stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped = trap.HasTerminated() || stop_ != Stop::None;
  }
  if (stopped) {
    stopped_ = true;
    isolate_->CancelTerminateExecution();  // lets the next episode run
    return stop_message(what);
  }
  if (!trap.HasCaught()) return "JavaScript in " + what + " produced no value";
  v8::Local<v8::Context> ctx = context();
  std::string where = what;
  v8::Local<v8::Message> message = trap.Message();
  if (!message.IsEmpty()) {
    v8::Local<v8::Value> name = message->GetScriptResourceName();
    if (!name.IsEmpty() && name->IsString()) where = js_utf8(isolate_, name);
    int line = message->GetLineNumber(ctx).FromMaybe(0);
    if (line > 0) where += ", line " + std::to_string(line);
  }
  return "JavaScript error in " + where + ": " + js_utf8(isolate_, trap.Exception());
}

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
  std::string key = what + '\0' + source;
  auto found = compiled_.find(key);
  if (found != compiled_.end()) return found->second.Get(isolate_);
  // "(" + source on the same line keeps the user's line numbers.
  v8::Local<v8::Value> value = run_script(what, "(" + source + "\n)");
  if (!value->IsFunction())
    throw UserError(what + " must be a JavaScript function expression, e.g. 'function (doc) { emit(doc.src, 1); }'");
  v8::Local<v8::Function> function = value.As<v8::Function>();
  if (compiled_.size() >= 256) compiled_.clear();
  compiled_.emplace(std::move(key), v8::Global<v8::Function>(isolate_, function));
  return function;
}

v8::Local<v8::Object> JsEngine::driver() {
  if (driver_.IsEmpty()) {
    v8::Local<v8::Value> make = run_script("xtractr mapreduce.js", kJs_mapreduce);
    if (!make->IsFunction()) throw UserError("mapreduce.js does not evaluate to a function");
    v8::Local<v8::Value> args[] = {docs_->constructor()};
    v8::Local<v8::Context> ctx = context();
    v8::Local<v8::Value> exports =
        call("xtractr mapreduce.js", [&] { return make.As<v8::Function>()->Call(ctx, ctx->Global(), 1, args); });
    if (!exports->IsObject()) throw UserError("mapreduce.js did not return its exports");
    driver_.Reset(isolate_, exports.As<v8::Object>());
  }
  return driver_.Get(isolate_);
}

v8::Local<v8::Object> JsEngine::reports() {
  if (reports_.IsEmpty()) {
    v8::Local<v8::Value> table = run_script("xtractr reports.js", kJs_reports);
    if (!table->IsObject()) throw UserError("reports.js does not evaluate to an object");
    reports_.Reset(isolate_, table.As<v8::Object>());
  }
  return reports_.Get(isolate_);
}

}  // namespace xtractr
