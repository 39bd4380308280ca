// udf.h — xtractr's JavaScript in SQL, as xtractr.so registers it (js_loader.cc); V8 itself
// is xtractr-v8.so, loaded on the first JavaScript call (js_module.h).
//
// SQL functions: mapreduce(doc, map [, reduce]), js_create_function(name, source),
// js_create_aggregate(name, step, final), js_config(name [, value]).
// Table-valued functions: xtractr_mapreduce(capture, query, map [, reduce]),
// xtractr_report(capture, 'QUERY > REPORT').
#pragma once

#include <string>

#include "core/doc_ref.h"
#include "core/function_registry.h"

namespace xtractr {

// For the extension's registration list: everything above, registered per connection (the
// functions and tables share the connection's JavaScript state).
extern const SqlExports udf_sql;

// How the JavaScript runtime reads docrefs (index/doc_ref.h's reader; set by the extension's
// entry point, before the runtime is loaded).
void set_js_doc_reader(const XtractrDocReader *reader);

// V8's version, e.g. "10.2.154.26-node.36" (loads the runtime); empty when it cannot be loaded.
std::string v8_version();

}  // namespace xtractr
