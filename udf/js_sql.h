// js_sql.h — the JavaScript SQL functions and report tables inside xtractr-v8.so, as
// js_module.cc hands them to xtractr.so (js_module.h).
//
// Usage (C++), from js_module.cc:
//   js_config(runtime, ctx, argc, argv);                       // errors go to ctx
//   ReportRows rows = run_report_table(*runtime, XTRACTR_JS_REPORT_TABLE, {capture, report});  // throws
//
// How it works: each connection's JsRuntime is made by js_module.cc on its first JavaScript
// call and passed in; the functions are in js_functions.cc, the tables' jobs in
// report_tables.cc; what SQL names them (arguments, schemas) is js_loader.cc's, in xtractr.so.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/sqlite_api.h"
#include "udf/js_values.h"

namespace xtractr {

class JsRuntime;

void js_config(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc, sqlite3_value **argv);
void js_create_function(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc,
                        sqlite3_value **argv);
void js_create_aggregate(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc,
                         sqlite3_value **argv);
void mapreduce_step(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc, sqlite3_value **argv);
void mapreduce_final(sqlite3_context *ctx);

// xtractr_chart(kind, rows [, options]): the SVG text (chart_function.cc).
void xtractr_chart(const std::shared_ptr<JsRuntime> &runtime, sqlite3_context *ctx, int argc, sqlite3_value **argv);

using ReportRows = std::vector<std::pair<SqlValue, SqlValue>>;
using ReportArguments = std::vector<std::optional<std::string>>;

// xtractr_mapreduce (XTRACTR_JS_MAPREDUCE_TABLE: capture, query, map, reduce) or
// xtractr_report (XTRACTR_JS_REPORT_TABLE: capture, report): the (key, value) rows.
ReportRows run_report_table(JsRuntime &runtime, int table, const ReportArguments &args);

}  // namespace xtractr
