// udf.h — registers xtractr's JavaScript features on a connection (called by xtractr.cc).
//
// SQL functions: mapreduce(doc, map [, reduce]), js_create_function(name, source),
// js_create_aggregate(name, step, final), js_config(name [, value]).
// Table-valued functions: xtractr_mapreduce(capture, query, map [, reduce]),
// xtractr_report(capture, 'QUERY > REPORT').
#pragma once

#include <memory>

#include "core/function_registry.h"
#include "core/sqlite_api.h"

namespace xtractr {

class JsRuntime;

// For the extension's registration list: everything above, registered per connection by
// register_udf (the functions and tables share the connection's JsRuntime).
extern const SqlExports udf_sql;

// Returns an SQLite result code.
int register_udf(sqlite3 *db);
// The table-valued functions (report_tables.cc); called by register_udf.
int register_report_tables(sqlite3 *db, const std::shared_ptr<JsRuntime> &runtime);

}  // namespace xtractr
