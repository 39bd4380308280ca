/*
** js_module.cc — xtractr-v8.so's entry point: hands xtractr.so its JavaScript functions and
** report tables (js_module.h).
**
** Usage: none from SQL directly; xtractr.so loads this library on the connection's first
** JavaScript call, e.g.
**
**   SELECT mapreduce(doc, 'function (p) { emit(p.service, p.length); }', '_sum') FROM packets('day1.pcapng');
**
** How it works: xtractr_js_module() stores xtractr.so's sqlite3_api table (this library has
** its own copy of core, so its own table) and returns the module: wrappers that find or make
** the connection's JsRuntime (one per connection, kept in the XtractrJsConnection that
** xtractr.so owns and frees with free_runtime) and call js_functions.cc / report_tables.cc.
** Nothing thrown here leaves the library: every wrapper is guarded.
*/
#include "udf/js_module.h"

#include <v8.h>

#include <memory>
#include <new>
#include <string>

#include "core/sql_error.h"
#include "udf/doc_object.h"
#include "udf/js_runtime.h"
#include "udf/js_sql.h"

namespace xtractr {

namespace {

using RuntimeHolder = std::shared_ptr<JsRuntime>;

void free_runtime(void *runtime) { delete static_cast<RuntimeHolder *>(runtime); }

// The connection's runtime, made on its first JavaScript call (may throw std::bad_alloc).
const RuntimeHolder &runtime_of(XtractrJsConnection *connection) {
  if (!connection->runtime) {
    connection->runtime = new RuntimeHolder(std::make_shared<JsRuntime>(connection->db));
    connection->free_runtime = free_runtime;
  }
  return *static_cast<RuntimeHolder *>(connection->runtime);
}

template <void (*Function)(const RuntimeHolder &, sqlite3_context *, int, sqlite3_value **)>
void with_runtime(XtractrJsConnection *connection, sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  guard_function(ctx, [&] { Function(runtime_of(connection), ctx, argc, argv); });
}

void final_of_mapreduce(XtractrJsConnection *, sqlite3_context *ctx) { mapreduce_final(ctx); }

// The rows behind XtractrJsRows (an opaque type to xtractr.so).
struct Rows {
  ReportRows rows;
};

XtractrJsRows *run_table(XtractrJsConnection *connection, int table, int argc, const char *const *argv, int *rc,
                         char **error) {
  Rows *result = nullptr;
  ConnectionScope scope(connection->db);
  *error = nullptr;
  *rc = guarded(
      [&] {
        ReportArguments args;
        for (int k = 0; k < argc; ++k) args.push_back(argv[k] ? std::optional<std::string>(argv[k]) : std::nullopt);
        auto rows = std::make_unique<Rows>();
        rows->rows = run_report_table(*runtime_of(connection), table, args);
        result = rows.release();
        return SQLITE_OK;
      },
      [error](const std::string &message) { *error = sqlite3_mprintf("%s", message.c_str()); });
  return reinterpret_cast<XtractrJsRows *>(result);
}

int64_t row_count(const XtractrJsRows *rows) { return int64_t(reinterpret_cast<const Rows *>(rows)->rows.size()); }

void row_result(const XtractrJsRows *rows, int64_t row, int column, sqlite3_context *ctx) {
  guard_function(ctx, [&] {
    const auto &pair = reinterpret_cast<const Rows *>(rows)->rows.at(size_t(row));
    (column == 0 ? pair.first : pair.second).result(ctx);
  });
}

void free_rows(XtractrJsRows *rows) { delete reinterpret_cast<Rows *>(rows); }

const char *v8_version() { return v8::V8::GetVersion(); }

const XtractrJsModule kModule = {
    with_runtime<js_config>,
    with_runtime<js_create_function>,
    with_runtime<js_create_aggregate>,
    with_runtime<mapreduce_step>,
    final_of_mapreduce,
    run_table,
    row_count,
    row_result,
    free_rows,
    with_runtime<xtractr_chart>,
    v8_version,
};

}  // namespace

}  // namespace xtractr

extern "C" __attribute__((visibility("default"))) const XtractrJsModule *xtractr_js_module(
    const sqlite3_api_routines *api, int abi, const XtractrDocReader *docs) {
  if (abi != XTRACTR_JS_ABI) return nullptr;
  sqlite3_api = api;
  xtractr::set_doc_reader(docs);
  return &xtractr::kModule;
}
