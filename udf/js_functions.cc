/*
** js_functions.cc — JavaScript from SQL: mapreduce(), js_create_function(),
** js_create_aggregate(), js_config().
**
** Usage:
**
**   SELECT mapreduce(doc, 'function (p) { p.values("http.user_agent", function (ua) { emit(ua, p.length); }); }',
**                    '_sum') FROM packets('day1.pcapng');
**     -- {"Mozilla/5.0 ...": 884213, "curl/8.1": 1311}
**   SELECT mapreduce(doc, 'function (f) { emit(f.service, f.bytes); }', '_stats') FROM flows('day1.pcapng');
**   SELECT js_create_function('tld', 'function (h) { return h.split(".").slice(-2).join("."); }');
**   SELECT tld(field(doc, 'http.host')), count(*) FROM packets('day1.pcapng') GROUP BY 1;
**   SELECT js_create_aggregate('longest', 'function (s, x) { return s === undefined || x.length > s.length ? x : s; }',
**                              'function (s) { return s === undefined ? null : s; }');
**   SELECT longest(title) FROM packets('day1.pcapng');
**   SELECT js_config('timeout_ms', 500);
**
** How it works: every function gets the connection's JsRuntime (js_runtime.h) from
** js_module.cc, which xtractr.so calls on each JavaScript call (js_module.h). All the
** JavaScript of one SQL statement — every call of every function, every group of every
** aggregate — runs in that statement's own context and shares one time budget (JsStatement,
** js_engine.h). A JavaScript function cannot hide an SQL function (count, json_extract,
** field ...) unless its creator says 'replace'. Errors (JS
** exceptions with their line, timeouts, heap exhaustion) become SQL errors; the aggregate's
** state is freed in xFinal, which SQLite always calls.
*/
#include <cctype>
#include <memory>
#include <optional>
#include <string>

#include "core/doc_ref.h"
#include "core/sql_error.h"
#include "udf/js_runtime.h"
#include "udf/js_sql.h"
#include "udf/mapreduce_job.h"

namespace xtractr {

namespace {

std::optional<std::string> text_arg(sqlite3_value *value) {
  if (sqlite3_value_type(value) == SQLITE_NULL) return std::nullopt;
  const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
  return std::string(text ? text : "", size_t(sqlite3_value_bytes(value)));
}

std::string required_text(sqlite3_value *value, const char *what) {
  auto text = text_arg(value);
  if (!text || text->empty()) throw UserError(std::string(what) + " is missing");
  return *text;
}

}  // namespace

// ---- js_config(name [, value]) ----

void js_config(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    JsRuntime &rt = *runtime;
    std::string name = required_text(argv[0], "js_config(name [, value]): name");
    bool set = argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL;
    if (set && sqlite3_value_numeric_type(argv[1]) != SQLITE_INTEGER)
      throw UserError("js_config('" + name + "', N): N must be an integer");
    int64_t value = set ? sqlite3_value_int64(argv[1]) : 0;
    if (name == "timeout_ms") {
      if (set) rt.set_timeout_ms(value);
      sqlite3_result_int64(ctx, rt.timeout_ms());
    } else if (name == "heap_mb") {
      if (set) rt.set_heap_mb(value);
      sqlite3_result_int64(ctx, rt.heap_mb());
    } else {
      throw UserError("js_config(): unknown setting '" + name + "' (settings: timeout_ms, heap_mb)");
    }
  });
}

// ---- js_create_function(name, source) ----

namespace {

bool valid_name(const std::string &name) {
  if (name.empty() || name.size() > 128 || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

// A JavaScript function registered on the connection, compiled in each statement that
// calls it (each statement has a context of its own, js_engine.h).
struct UserFunction {
  std::shared_ptr<JsRuntime> runtime;
  std::string name, source, final_source;

  ~UserFunction() {
    auto &registry = runtime->user_functions();
    auto at = registry.find(key());
    if (at != registry.end() && at->second == this) registry.erase(at);
  }
  std::string key() const {
    std::string k = name;
    for (char &c : k) c = char(std::tolower(static_cast<unsigned char>(c)));
    return k;
  }
  // Inside an Episode on the engine to run in.
  v8::Local<v8::Function> function(JsEngine &engine) const { return engine.compile_function(label(), source); }
  v8::Local<v8::Function> final(JsEngine &engine) const {
    return engine.compile_function(label() + " final", final_source);
  }
  std::string label() const { return (final_source.empty() ? "function " : "aggregate ") + name; }
};

void destroy_user_function(void *p) { delete static_cast<UserFunction *>(p); }

std::vector<v8::Local<v8::Value>> js_arguments(v8::Isolate *isolate, int argc, sqlite3_value **argv,
                                               v8::Local<v8::Value> first = {}) {
  std::vector<v8::Local<v8::Value>> args;
  args.reserve(size_t(argc) + 1);
  if (!first.IsEmpty()) args.push_back(first);
  for (int i = 0; i < argc; ++i) args.push_back(sql_to_js(isolate, argv[i]));
  return args;
}

void user_scalar(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    auto &f = *static_cast<UserFunction *>(sqlite3_user_data(ctx));
    std::shared_ptr<JsStatement> statement = JsStatement::of(ctx, f.runtime->engine());
    JsEngine &engine = statement->engine();
    JsScope scope(engine);
    Episode episode(*statement);
    v8::Isolate *isolate = engine.isolate();
    v8::Local<v8::Context> js = engine.context();
    v8::Local<v8::Function> function = f.function(engine);
    std::vector<v8::Local<v8::Value>> args = js_arguments(isolate, argc, argv);
    v8::Local<v8::Value> result = engine.call(
        f.label(), [&] { return function->Call(js, v8::Undefined(isolate), int(args.size()), args.data()); });
    js_to_sql(engine, result, f.label()).result(ctx);
  });
}

// State of one running aggregate (user aggregate or mapreduce), owned through the
// aggregate context and freed in xFinal. Every group of a statement shares its statement
// (its context and time budget).
struct AggregateState {
  std::shared_ptr<JsStatement> statement;
  v8::Global<v8::Value> value;      // user aggregates: the state so far
  std::optional<MapReduceJob> job;  // mapreduce
  std::string refs;                 // mapreduce: docrefs not yet fed (MapReduceJob::feed_refs)
  bool failed = false;

  ~AggregateState() {
    if (!statement) return;
    {
      v8::Locker locker(statement->engine().isolate());
      v8::Isolate::Scope scope(statement->engine().isolate());
      value.Reset();
      job.reset();
    }
    statement.reset();
  }
};

// The state for this aggregate instance, made on the first step.
AggregateState &step_state(sqlite3_context *ctx, JsRuntime &rt) {
  auto **slot = static_cast<AggregateState **>(sqlite3_aggregate_context(ctx, sizeof(AggregateState *)));
  if (!slot) throw std::bad_alloc();
  if (!*slot) {
    *slot = new AggregateState();
    (*slot)->statement = JsStatement::of(ctx, rt.engine());
  }
  return **slot;
}

// Takes the state out of the aggregate context (nullptr when there were no rows).
std::unique_ptr<AggregateState> final_state(sqlite3_context *ctx) {
  auto **slot = static_cast<AggregateState **>(sqlite3_aggregate_context(ctx, 0));
  if (!slot) return nullptr;
  return std::unique_ptr<AggregateState>(std::exchange(*slot, nullptr));
}

void user_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    auto &f = *static_cast<UserFunction *>(sqlite3_user_data(ctx));
    AggregateState &state = step_state(ctx, *f.runtime);
    if (state.failed) return;
    state.failed = true;
    JsEngine &engine = state.statement->engine();
    JsScope scope(engine);
    Episode episode(*state.statement);
    v8::Isolate *isolate = engine.isolate();
    v8::Local<v8::Context> js = engine.context();
    v8::Local<v8::Value> so_far =
        state.value.IsEmpty() ? v8::Undefined(isolate).As<v8::Value>() : state.value.Get(isolate);
    std::vector<v8::Local<v8::Value>> args = js_arguments(isolate, argc, argv, so_far);
    v8::Local<v8::Function> step = f.function(engine);
    v8::Local<v8::Value> next =
        engine.call(f.label(), [&] { return step->Call(js, v8::Undefined(isolate), int(args.size()), args.data()); });
    state.value.Reset(isolate, next);
    state.failed = false;
  });
}

// xFinal has no statement to look up (SQLite calls it without one): an aggregate over no
// rows runs its final function in a statement of its own.
void user_final(sqlite3_context *ctx) {
  guard_function(ctx, [&] {
    auto &f = *static_cast<UserFunction *>(sqlite3_user_data(ctx));
    std::unique_ptr<AggregateState> state = final_state(ctx);
    if (state && state->failed) return;
    std::shared_ptr<JsStatement> statement =
        state ? state->statement : std::make_shared<JsStatement>(f.runtime->engine());
    JsEngine &engine = statement->engine();
    JsScope scope(engine);
    Episode episode(*statement);
    v8::Isolate *isolate = engine.isolate();
    v8::Local<v8::Context> js = engine.context();
    v8::Local<v8::Value> so_far =
        state && !state->value.IsEmpty() ? state->value.Get(isolate) : v8::Undefined(isolate).As<v8::Value>();
    v8::Local<v8::Function> final = f.final(engine);
    v8::Local<v8::Value> result =
        engine.call(f.label() + " final", [&] { return final->Call(js, v8::Undefined(isolate), 1, &so_far); });
    js_to_sql(engine, result, f.label()).result(ctx);
  });
}

// Whether `name` is an SQL function of the connection (SQLite's own, an extension's, xtractr's)
// other than this connection's JavaScript ones.
bool shadows_sql_function(sqlite3 *db, const UserFunction &f) {
  if (f.runtime->user_functions().count(f.key())) return false;
  sqlite3_stmt *statement = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_function_list WHERE name = ?1 COLLATE NOCASE", -1, &statement,
                              nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(statement, 1, f.name.c_str(), int(f.name.size()), SQLITE_TRANSIENT);
  if (rc == SQLITE_OK) rc = sqlite3_step(statement);
  sqlite3_finalize(statement);
  if (rc == SQLITE_INTERRUPT) throw Interrupted("js_create_function() was interrupted");
  return rc == SQLITE_ROW;  // a SQLite without the pragma (SQLITE_OMIT_INTROSPECTION_PRAGMAS) cannot tell
}

// `replace`: the caller's opt-in to shadowing an SQL function ("replace" as the last argument).
void register_user_function(sqlite3_context *ctx, std::unique_ptr<UserFunction> f, bool aggregate, bool replace) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  const char *creator = aggregate ? "js_create_aggregate" : "js_create_function";
  if (!replace && shadows_sql_function(db, *f))
    throw UserError(
        std::string(creator) + "(): " + f->name +
        " is an SQL function already (SQLite's or an extension's); to hide it on this connection, say so: " + creator +
        "('" + f->name + "', " + (aggregate ? "step, final" : "source") + ", 'replace')");
  {  // compile now, so a syntax error is reported by js_create_*() itself
    std::shared_ptr<JsStatement> statement = JsStatement::of(ctx, f->runtime->engine());
    JsScope scope(statement->engine());
    Episode episode(*statement);
    f->function(statement->engine());
    if (aggregate) f->final(statement->engine());
  }
  std::string name = f->name;
  auto &registry = f->runtime->user_functions();
  auto existing = registry.find(f->key());
  if (existing != registry.end()) {
    auto *old = static_cast<UserFunction *>(existing->second);
    if (old->final_source.empty() != f->final_source.empty())
      throw UserError(name + " is already a JavaScript " + (aggregate ? "scalar function" : "aggregate") +
                      " on this connection");
    old->source = f->source;
    old->final_source = f->final_source;
    sqlite3_result_text(ctx, name.c_str(), int(name.size()), SQLITE_TRANSIENT);
    return;
  }
  UserFunction *raw = f.release();
  registry[raw->key()] = raw;
  int rc = aggregate ? sqlite3_create_function_v2(db, name.c_str(), -1, SQLITE_UTF8, raw, nullptr, user_step,
                                                  user_final, destroy_user_function)
                     : sqlite3_create_function_v2(db, name.c_str(), -1, SQLITE_UTF8, raw, user_scalar, nullptr, nullptr,
                                                  destroy_user_function);
  // On failure SQLite has already called destroy_user_function.
  if (rc == SQLITE_BUSY) throw UserError("cannot replace function " + name + " while a statement using it is running");
  if (rc != SQLITE_OK) throw UserError("cannot register function " + name + ": " + sqlite3_errstr(rc));
  sqlite3_result_text(ctx, name.c_str(), int(name.size()), SQLITE_TRANSIENT);
}

// The optional last argument of js_create_*: 'replace', or an error.
bool replace_argument(int argc, int position, sqlite3_value **argv, const char *call) {
  if (argc <= position) return false;
  auto text = text_arg(argv[position]);
  if (!text || *text != "replace")
    throw UserError(std::string(call) + ": the last argument, when given, must be 'replace' (to hide an SQL function)");
  return true;
}

}  // namespace

void js_create_function(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc,
                        sqlite3_value **argv) {
  guard_function(ctx, [&] {
    auto f = std::make_unique<UserFunction>();
    f->runtime = runtime;
    f->name = required_text(argv[0], "js_create_function(name, source): name");
    if (!valid_name(f->name)) throw UserError("js_create_function(): '" + f->name + "' is not a valid function name");
    f->source = required_text(argv[1], "js_create_function(name, source): source");
    bool replace = replace_argument(argc, 2, argv, "js_create_function(name, source, 'replace')");
    register_user_function(ctx, std::move(f), false, replace);
  });
}

void js_create_aggregate(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc,
                         sqlite3_value **argv) {
  guard_function(ctx, [&] {
    auto f = std::make_unique<UserFunction>();
    f->runtime = runtime;
    f->name = required_text(argv[0], "js_create_aggregate(name, step, final): name");
    if (!valid_name(f->name)) throw UserError("js_create_aggregate(): '" + f->name + "' is not a valid function name");
    f->source = required_text(argv[1], "js_create_aggregate(name, step, final): step");
    f->final_source = required_text(argv[2], "js_create_aggregate(name, step, final): final");
    bool replace = replace_argument(argc, 3, argv, "js_create_aggregate(name, step, final, 'replace')");
    register_user_function(ctx, std::move(f), true, replace);
  });
}

// ---- mapreduce(doc, map [, reduce]) ----

// Rows whose doc is a docref are fed to the map kRefBatch at a time: one call into V8 (and one
// lock of the isolate) per batch instead of per row. The map sees the same docs in the same
// order; an error it throws is reported by the step (or the final call) that fed its batch.
constexpr size_t kRefBatch = MapReduceJob::kRefBatch;

void mapreduce_step(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    AggregateState &state = step_state(ctx, *runtime);
    if (state.failed) return;
    const std::string_view ref = doc_ref(argv[0]);
    if (state.job && !ref.empty()) {
      state.refs.append(ref);
      if (state.refs.size() < kRefBatch * XTRACTR_DOC_REF_SIZE) return;
    }
    state.failed = true;
    JsEngine &engine = state.statement->engine();
    JsScope scope(engine);
    Episode episode(*state.statement);
    if (!state.job) {
      std::string map = required_text(argv[1], "mapreduce(doc, map [, reduce]): map");
      std::optional<std::string> reduce = argc > 2 ? text_arg(argv[2]) : std::nullopt;
      state.job.emplace(MapReduceJob::from_source(engine, map, reduce));
    }
    const bool batched = !state.refs.empty();
    if (batched) {
      const std::string refs = std::move(state.refs);
      state.refs.clear();
      state.job->feed_refs(refs);
    }
    if (!batched || ref.empty()) state.job->feed_value(argv[0]);
    state.failed = false;
  });
}

void mapreduce_final(sqlite3_context *ctx) {
  guard_function(ctx, [&] {
    std::unique_ptr<AggregateState> state = final_state(ctx);
    if (state && state->failed) return;
    std::string json = "{}";
    if (state && state->job) {
      JsScope scope(state->statement->engine());
      Episode episode(*state->statement);
      if (!state->refs.empty()) state->job->feed_refs(state->refs);
      json = state->job->object_json();
    }
    sqlite3_result_text(ctx, json.data(), int(json.size()), SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, 'J');
  });
}

}  // namespace xtractr
