// mapreduce_job.cc — see mapreduce_job.h.
#include "udf/mapreduce_job.h"

#include "udf/doc_object.h"

namespace xtractr {

std::string_view doc_ref(sqlite3_value *value) {
  if (sqlite3_value_type(value) != SQLITE_BLOB) return {};
  std::string_view blob(static_cast<const char *>(sqlite3_value_blob(value)), size_t(sqlite3_value_bytes(value)));
  return looks_like_doc_ref(blob.data(), blob.size()) ? blob : std::string_view();
}

namespace {

v8::Local<v8::Value> get(JsEngine &engine, v8::Local<v8::Object> object, const char *name) {
  v8::Local<v8::Context> ctx = engine.context();
  return engine.call("xtractr mapreduce.js", [&] { return object->Get(ctx, js_string(engine.isolate(), name)); });
}

v8::Local<v8::Function> function_member(JsEngine &engine, v8::Local<v8::Object> object, const char *name) {
  v8::Local<v8::Value> value = get(engine, object, name);
  if (!value->IsFunction()) throw UserError(std::string("mapreduce.js: ") + name + " is not a function");
  return value.As<v8::Function>();
}

v8::Local<v8::Object> new_job(JsEngine &engine, v8::Local<v8::Value> map, v8::Local<v8::Value> reduce,
                              v8::Local<v8::Value> options) {
  v8::Local<v8::Context> ctx = engine.context();
  v8::Local<v8::Object> driver = engine.driver();
  v8::Local<v8::Function> make = function_member(engine, driver, "newJob");
  v8::Local<v8::Value> argv[] = {map, reduce, options};
  v8::Local<v8::Value> job = engine.call("mapreduce", [&] { return make->Call(ctx, driver, 3, argv); });
  if (!job->IsObject()) throw UserError("mapreduce.js: newJob returned no job");
  return job.As<v8::Object>();
}

}  // namespace

MapReduceJob::MapReduceJob(JsEngine &engine, v8::Local<v8::Object> job) : engine_(&engine) {
  job_.Reset(engine.isolate(), job);
  feed_.Reset(engine.isolate(), function_member(engine, job, "feed"));
}

MapReduceJob::~MapReduceJob() {
  job_.Reset();
  feed_.Reset();
}

MapReduceJob MapReduceJob::from_source(JsEngine &engine, const std::string &map,
                                       const std::optional<std::string> &reduce) {
  v8::Isolate *isolate = engine.isolate();
  v8::Local<v8::Value> map_function = engine.compile_function("map function", map);
  v8::Local<v8::Value> reduce_value = v8::Undefined(isolate);
  if (reduce) {
    std::string_view r(*reduce);
    while (!r.empty() && (r.front() == ' ' || r.front() == '\n' || r.front() == '\t')) r.remove_prefix(1);
    while (!r.empty() && (r.back() == ' ' || r.back() == '\n' || r.back() == '\t')) r.remove_suffix(1);
    if (!r.empty() && r.front() == '_')
      reduce_value = js_string(isolate, r);
    else if (!r.empty())
      reduce_value = engine.compile_function("reduce function", *reduce);
  }
  return MapReduceJob(engine, new_job(engine, map_function, reduce_value, v8::Undefined(isolate)));
}

MapReduceJob MapReduceJob::from_report(JsEngine &engine, const std::string &name,
                                       const std::vector<ReportArgument> &args) {
  v8::Isolate *isolate = engine.isolate();
  v8::Local<v8::Context> ctx = engine.context();
  v8::Local<v8::Object> table = engine.reports();
  v8::Local<v8::Value> factory;
  bool known = table->HasOwnProperty(ctx, js_string(isolate, name)).FromMaybe(false);
  if (known) factory = get(engine, table, name.c_str());
  if (!known || !factory->IsFunction())
    throw UserError("unknown report '" + name +
                    "': use count(field), values(field), sum(key, value), avg(key, value), minmax(key, value), "
                    "count_over_time(seconds), count_x_over_time(field, seconds) or sum_over_time(field, seconds)");
  std::vector<v8::Local<v8::Value>> argv;
  for (const ReportArgument &a : args) {
    if (const auto *s = std::get_if<std::string>(&a))
      argv.push_back(js_string(isolate, *s));
    else
      argv.push_back(v8::Number::New(isolate, std::get<double>(a)));
  }
  v8::Local<v8::Value> spec = engine.call(
      "report " + name, [&] { return factory.As<v8::Function>()->Call(ctx, table, int(argv.size()), argv.data()); });
  if (!spec->IsObject()) throw UserError("reports.js: " + name + " returned no map/reduce pair");
  v8::Local<v8::Object> pair = spec.As<v8::Object>();
  return MapReduceJob(engine, new_job(engine, get(engine, pair, "map"), get(engine, pair, "reduce"), pair));
}

void MapReduceJob::feed(v8::Local<v8::Value> doc) {
  v8::Local<v8::Context> ctx = engine_->context();
  v8::Local<v8::Function> feed = feed_.Get(engine_->isolate());
  v8::Local<v8::Object> job = job_.Get(engine_->isolate());
  engine_->call("map function", [&] { return feed->Call(ctx, job, 1, &doc); });
}

template <typename Make>
void MapReduceJob::feed_doc(Make &&make) {
  v8::HandleScope handles(engine_->isolate());
  DocFactory &docs = engine_->docs();
  struct Release {
    DocFactory &docs;
    ~Release() { docs.release(); }
  } release{docs};
  v8::Local<v8::Object> doc;
  if (!make(docs).ToLocal(&doc)) throw UserError("cannot make a JavaScript document (out of memory?)");
  feed(doc);
}

void MapReduceJob::feed_json(std::string_view json) {
  feed_doc([&](DocFactory &docs) { return docs.make(json); });
}

namespace {

// What next() (the native function the driver's drain loop calls) reads from.
struct RowFeed {
  JsEngine *engine;
  sqlite3 *db;
  sqlite3_stmt *rows;
  const std::vector<std::string> *names;  // row docs; nullptr: column 0 is the doc's JSON or a docref
  std::string sql_error;
  bool sql_interrupted = false;
};

// next(): the next row as a doc, or null at the end (or once a row doc missed a name).
void next_doc(const v8::FunctionCallbackInfo<v8::Value> &info) {
  auto &feed = *static_cast<RowFeed *>(info.Data().As<v8::External>()->Value());
  v8::Isolate *isolate = info.GetIsolate();
  DocFactory &docs = feed.engine->docs();
  docs.release();
  if (feed.names && docs.missed()) return info.GetReturnValue().SetNull();
  for (;;) {
    feed.engine->pause_js();
    int rc = sqlite3_step(feed.rows);
    feed.engine->resume_js();
    if (rc == SQLITE_DONE) return info.GetReturnValue().SetNull();
    if (rc != SQLITE_ROW) {
      feed.sql_error = sqlite3_errmsg(feed.db);
      feed.sql_interrupted = rc == SQLITE_INTERRUPT;
      isolate->ThrowException(v8::Exception::Error(v8::String::NewFromUtf8Literal(isolate, "SQL error")));
      return;
    }
    v8::Local<v8::Object> doc;
    if (feed.names) {
      if (!docs.make_row(feed.rows, feed.names).ToLocal(&doc)) return;
    } else if (std::string_view ref = doc_ref(sqlite3_column_value(feed.rows, 0)); !ref.empty()) {
      if (!docs.make_ref(ref).ToLocal(&doc)) return;
    } else {
      const char *text = reinterpret_cast<const char *>(sqlite3_column_text(feed.rows, 0));
      if (!text) continue;
      if (!docs.make(std::string_view(text, size_t(sqlite3_column_bytes(feed.rows, 0)))).ToLocal(&doc)) return;
    }
    return info.GetReturnValue().Set(doc);
  }
}

// next() over the docrefs of a batch (feed_refs, DocFactory::begin_batch).
struct RefFeed {
  JsEngine *engine;
  size_t count;
  size_t at = 0;
};

void next_ref(const v8::FunctionCallbackInfo<v8::Value> &info) {
  auto &feed = *static_cast<RefFeed *>(info.Data().As<v8::External>()->Value());
  DocFactory &docs = feed.engine->docs();
  docs.release();
  if (feed.at >= feed.count) return info.GetReturnValue().SetNull();
  v8::Local<v8::Object> doc;
  if (!docs.make_batch_ref(feed.at).ToLocal(&doc)) return;
  ++feed.at;
  info.GetReturnValue().Set(doc);
}

}  // namespace

void MapReduceJob::feed_refs(std::string_view refs) {
  v8::Isolate *isolate = engine_->isolate();
  v8::HandleScope handles(isolate);
  v8::Local<v8::Context> ctx = engine_->context();
  DocFactory &docs = engine_->docs();
  RefFeed feed{engine_, refs.size() / XTRACTR_DOC_REF_SIZE};
  docs.begin_batch(refs);
  struct Release {
    DocFactory &docs;
    ~Release() { docs.end_batch(); }
  } release{docs};
  v8::Local<v8::Function> next;
  if (!v8::FunctionTemplate::New(isolate, next_ref, v8::External::New(isolate, &feed))->GetFunction(ctx).ToLocal(&next))
    throw UserError("cannot make the document reader (out of memory?)");
  v8::Local<v8::Object> job = job_.Get(isolate);
  v8::Local<v8::Function> drain = function_member(*engine_, job, "drain");
  v8::Local<v8::Value> argv[] = {next};
  engine_->call("map function", [&] { return drain->Call(ctx, job, 1, argv); });
}

void MapReduceJob::drain(sqlite3 *db, sqlite3_stmt *rows, const std::vector<std::string> *names) {
  v8::Isolate *isolate = engine_->isolate();
  v8::HandleScope handles(isolate);
  v8::Local<v8::Context> ctx = engine_->context();
  DocFactory &docs = engine_->docs();
  RowFeed feed{engine_, db, rows, names, {}, false};
  struct Release {
    DocFactory &docs;
    ~Release() { docs.release(); }
  } release{docs};
  docs.reset_missed();
  v8::Local<v8::Function> next;
  if (!v8::FunctionTemplate::New(isolate, next_doc, v8::External::New(isolate, &feed))->GetFunction(ctx).ToLocal(&next))
    throw UserError("cannot make the document reader (out of memory?)");
  v8::Local<v8::Object> job = job_.Get(isolate);
  v8::Local<v8::Function> drain = function_member(*engine_, job, "drain");
  v8::Local<v8::Value> argv[] = {next};
  try {
    engine_->call("map function", [&] { return drain->Call(ctx, job, 1, argv); });
  } catch (const UserError &) {
    if (feed.sql_interrupted) throw Interrupted(feed.sql_error);
    if (!feed.sql_error.empty()) throw UserError(feed.sql_error);
    if (names && docs.missed()) throw NeedWholeDocs(docs.missed_name());
    throw;
  }
  if (names && docs.missed()) throw NeedWholeDocs(docs.missed_name());  // even if the map caught the error
}

void MapReduceJob::drain_refs(sqlite3 *db, sqlite3_stmt *rows) {
  std::string refs;
  for (;;) {
    const int rc = sqlite3_step(rows);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      if (rc == SQLITE_INTERRUPT) throw Interrupted(sqlite3_errmsg(db));
      throw UserError(sqlite3_errmsg(db));
    }
    sqlite3_value *value = rc == SQLITE_ROW ? sqlite3_column_value(rows, 0) : nullptr;
    const std::string_view ref = value ? doc_ref(value) : std::string_view();
    if (!ref.empty()) {
      refs.append(ref);
      if (refs.size() < kRefBatch * XTRACTR_DOC_REF_SIZE) continue;
    }
    if (!refs.empty()) {
      feed_refs(refs);
      refs.clear();
    }
    if (!value) return;
    if (ref.empty()) feed_value(value);
  }
}

void MapReduceJob::feed_value(sqlite3_value *value) {
  if (std::string_view ref = doc_ref(value); !ref.empty())
    return feed_doc([&](DocFactory &docs) { return docs.make_ref(ref); });
  if (sqlite3_value_type(value) == SQLITE_TEXT) {
    const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
    std::string_view json(text ? text : "", size_t(sqlite3_value_bytes(value)));
    size_t i = json.find_first_not_of(" \t\r\n");
    if (i != std::string_view::npos && json[i] == '{') return feed_json(json);
  }
  v8::HandleScope handles(engine_->isolate());
  feed(sql_to_js(engine_->isolate(), value));
}

std::string MapReduceJob::object_json() {
  v8::Local<v8::Context> ctx = engine_->context();
  v8::Local<v8::Object> job = job_.Get(engine_->isolate());
  v8::Local<v8::Function> object = function_member(*engine_, job, "object");
  v8::Local<v8::Value> json = engine_->call("reduce function", [&] { return object->Call(ctx, job, 0, nullptr); });
  return js_utf8(engine_->isolate(), json);
}

std::vector<std::pair<SqlValue, SqlValue>> MapReduceJob::rows() {
  v8::Isolate *isolate = engine_->isolate();
  v8::Local<v8::Context> ctx = engine_->context();
  v8::Local<v8::Object> job = job_.Get(isolate);
  v8::Local<v8::Function> rows_function = function_member(*engine_, job, "rows");
  v8::Local<v8::Value> rows =
      engine_->call("reduce function", [&] { return rows_function->Call(ctx, job, 0, nullptr); });
  std::vector<std::pair<SqlValue, SqlValue>> out;
  if (!rows->IsArray()) return out;
  v8::Local<v8::Array> array = rows.As<v8::Array>();
  out.reserve(array->Length());
  for (uint32_t i = 0; i < array->Length(); ++i) {
    v8::HandleScope handles(isolate);
    v8::Local<v8::Value> row, k, v;
    if (!array->Get(ctx, i).ToLocal(&row) || !row->IsArray() || !row.As<v8::Object>()->Get(ctx, 0).ToLocal(&k) ||
        !row.As<v8::Object>()->Get(ctx, 1).ToLocal(&v))
      throw UserError("mapreduce.js: malformed result row");
    SqlValue key = js_to_sql(*engine_, k, "map function key");
    SqlValue value = js_to_sql(*engine_, v, "reduce function");
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace xtractr
