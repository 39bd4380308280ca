// js_module.h — the C interface between xtractr.so and its JavaScript runtime, xtractr-v8.so.
//
// Usage (C++): xtractr.so's side is js_loader.cc; xtractr-v8.so's is js_module.cc:
//   void *so = dlopen(".../xtractr-v8.so", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
//   auto entry = reinterpret_cast<XtractrJsEntry>(dlsym(so, XTRACTR_JS_ENTRY));
//   const XtractrJsModule *js = entry(sqlite3_api, XTRACTR_JS_ABI, docs);   // nullptr: another build
//   js->js_config(connection, ctx, argc, argv);
//
// How it works: V8 comes from Debian's libnode (Node 18). Linked into xtractr.so, libnode's
// static initialisers would bind to the same-named symbols a running Node (20) exports and
// crash the host inside dlopen. So V8 lives in a separate shared object that xtractr.so opens
// on the first JavaScript call, with RTLD_LOCAL | RTLD_DEEPBIND: libnode's references resolve
// inside its own scope first. Only C crosses this boundary — plain structs and function
// pointers, errors as result codes and sqlite3_malloc'ed messages, never a C++ exception;
// both sides are built from one tree, and XTRACTR_JS_ABI (bumped whenever this file changes)
// refuses a runtime of another build.
#pragma once

#include <cstdint>

#include "core/doc_ref.h"
#include "core/sqlite_api.h"

extern "C" {

#define XTRACTR_JS_ABI 3
#define XTRACTR_JS_ENTRY "xtractr_js_module"
#define XTRACTR_JS_LIBRARY "xtractr-v8.so"

// A connection's JavaScript state, owned by xtractr.so (one per connection). `runtime` is
// made by xtractr-v8.so on the connection's first JavaScript call, freed by free_runtime.
struct XtractrJsConnection {
  sqlite3 *db;
  void *runtime;
  void (*free_runtime)(void *runtime);
};

// The rows of one report table run (opaque; xtractr-v8.so's).
struct XtractrJsRows;

enum XtractrJsTable { XTRACTR_JS_MAPREDUCE_TABLE = 0, XTRACTR_JS_REPORT_TABLE = 1 };

typedef void (*XtractrJsScalar)(XtractrJsConnection *, sqlite3_context *, int, sqlite3_value **);

struct XtractrJsModule {
  // The SQL functions: each reports its errors on ctx (sqlite3_result_error*).
  XtractrJsScalar js_config;            // js_config(name [, value])
  XtractrJsScalar js_create_function;   // js_create_function(name, source)
  XtractrJsScalar js_create_aggregate;  // js_create_aggregate(name, step, final)
  XtractrJsScalar mapreduce_step;       // mapreduce(doc, map [, reduce])
  void (*mapreduce_final)(XtractrJsConnection *, sqlite3_context *);
  // Runs a report table (XtractrJsTable) over its arguments as text (nullptr: not given):
  // its rows, or nullptr with *rc (SQLITE_ERROR, SQLITE_INTERRUPT, SQLITE_NOMEM) and *error
  // (sqlite3_malloc'ed, no "xtractr: " prefix; the caller frees it).
  XtractrJsRows *(*run_table)(XtractrJsConnection *, int table, int argc, const char *const *argv, int *rc,
                              char **error);
  int64_t (*row_count)(const XtractrJsRows *);
  // Column 0 (key) or 1 (value) of a row, as the result of ctx.
  void (*row_result)(const XtractrJsRows *, int64_t row, int column, sqlite3_context *ctx);
  void (*free_rows)(XtractrJsRows *);
  XtractrJsScalar chart;  // xtractr_chart(kind, rows [, options])
  // V8's version, e.g. "10.2.154.26-node.36".
  const char *(*v8_version)(void);
};

// xtractr-v8.so's one exported function: its module, using `api` for every SQLite call and
// `docs` to read docrefs (core/doc_ref.h); nullptr when `abi` is not its XTRACTR_JS_ABI.
typedef const XtractrJsModule *(*XtractrJsEntry)(const sqlite3_api_routines *api, int abi,
                                                 const XtractrDocReader *docs);
}
