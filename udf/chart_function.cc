/*
** chart_function.cc — xtractr_chart(kind, rows [, options]): SQL rows as a self-contained SVG
** chart (line, bar, stacked bars), drawn by Vega-Lite and Vega in the connection's V8.
**
** Usage:
**
**   SELECT xtractr_chart('stacked', json_group_array(json_object('time', t, 'service', service, 'bytes', bytes)),
**                        '{"title": "bytes per second"}')
**     FROM (SELECT CAST(time AS INTEGER) AS t, service, sum(length) AS bytes
**             FROM packets('examples/wikipedia_browse.pcap') GROUP BY 1, 2);
**   SELECT xtractr_chart('bar', json_group_array(json_object('service', service, 'flows', n)))
**     FROM (SELECT service, count(*) AS n FROM flows('examples/wikipedia_browse.pcap') GROUP BY 1 ORDER BY 2 DESC);
**
** How it works: udf/js/charts.js turns the rows (a JSON array of objects: x first, y last, a
** series between) into a Vega-Lite spec, and Vega's headless View renders it with toSVG(),
** which returns a Promise. The call spends the statement's JavaScript budget (timeout_ms);
** inside it, after render() returns, V8's microtask queue is run (PerformMicrotaskCheckpoint)
** until the Promise settles — Vega schedules no timers for a static render, so it settles
** within the call, and the watchdog can stop it like any JavaScript. It runs in the engine's
** chart context, not the statement's: the libraries load there once, on the connection's
** first chart (JsEngine::chart_renderer), and no user JavaScript ever runs there. A rejected Promise (bad
** kind, rows that are no JSON array of objects, a y value that is no number) is an SQL error
** with charts.js's message.
*/
#include <memory>
#include <string>

#include "core/sql_error.h"
#include "udf/js_runtime.h"
#include "udf/js_sql.h"

namespace xtractr {

namespace {

v8::Local<v8::Value> text_or_null(v8::Isolate *isolate, sqlite3_value *value) {
  if (sqlite3_value_type(value) == SQLITE_NULL) return v8::Null(isolate);
  const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
  return js_string(isolate, std::string_view(text ? text : "", size_t(sqlite3_value_bytes(value))));
}

}  // namespace

void xtractr_chart(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    throw UserError("xtractr_chart(kind, rows [, options]): kind and rows must not be NULL");
  std::shared_ptr<JsStatement> statement = JsStatement::of(ctx, runtime->engine());
  JsEngine &engine = statement->engine();
  JsScope scope(engine);
  Episode episode(*statement);  // the statement's time budget
  v8::Isolate *isolate = engine.isolate();
  v8::Local<v8::Function> render = engine.chart_renderer();
  v8::Local<v8::Context> charts = engine.chart_context();
  v8::Context::Scope in_charts(charts);
  v8::Local<v8::Value> args[] = {text_or_null(isolate, argv[0]), text_or_null(isolate, argv[1]),
                                 argc > 2 ? text_or_null(isolate, argv[2]) : v8::Null(isolate).As<v8::Value>()};
  v8::Local<v8::Value> result = engine.call("xtractr_chart", [&]() -> v8::MaybeLocal<v8::Value> {
    v8::MaybeLocal<v8::Value> promise = render->Call(charts, v8::Undefined(isolate), 3, args);
    if (!promise.IsEmpty()) isolate->PerformMicrotaskCheckpoint();  // settles toSVG()'s Promise
    return promise;
  });
  if (!result->IsPromise()) throw UserError("xtractr_chart(): charts.js returned no Promise");
  v8::Local<v8::Promise> promise = result.As<v8::Promise>();
  switch (promise->State()) {
    case v8::Promise::kFulfilled: {
      std::string svg = js_utf8(isolate, promise->Result());
      sqlite3_result_text64(ctx, svg.data(), svg.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      return;
    }
    case v8::Promise::kRejected:
      throw UserError(js_utf8(isolate, promise->Result()));
    case v8::Promise::kPending:
      break;
  }
  throw UserError("xtractr_chart(): the chart did not finish rendering (Vega waited for something plain V8 lacks)");
}

}  // namespace xtractr
