// function_registry.h — what a library adds to SQL, as data: its functions and its
// table-valued functions, registered by the extension's one list (extension/xtractr.cc).
//
// Usage (C++), in a library's own header and one of its files:
//   extern const SqlExports search_sql;                           // search/search_sql.h
//   const SqlExports search_sql = {"search", nullptr, kTables, nullptr};
// and in xtractr.cc:  const SqlExports *const all_exports[] = {&search_sql, ..., nullptr};
//
// How it works: register_exports() creates each function (FunctionSpec arrays, null-terminated)
// and each table-valued function (table_function.h) on the connection; a library whose SQL
// shares per-connection state (the JavaScript runtime) registers that part itself in `connect`
// and lists it in `connect_functions`/`connect_tables`. Each entry carries its SqlHelp, from
// which xtractr_help() lists everything — the registration list is the one list of the SQL.
// core knows no library above it: each declares its own SqlExports.
#pragma once

#include "core/sqlite_api.h"
#include "core/table_function.h"

namespace xtractr {

struct FunctionSpec {
  const char *name;
  int arguments;  // -1 for any number
  int flags;      // SQLITE_UTF8 | SQLITE_DETERMINISTIC | ...
  void (*scalar)(sqlite3_context *, int, sqlite3_value **);
  void (*step)(sqlite3_context *, int, sqlite3_value **);
  void (*final)(sqlite3_context *);
  SqlHelp help = {};  // on the first entry of a name (one per name, whatever its arities)
};

// A table-valued function, made on first use (so no static object depends on another file's).
using TableFunctionGetter = const TableFunction &(*)();

struct SqlExports {
  const char *library;                   // "search", for readers of the list
  const FunctionSpec *const *functions;  // null-terminated list of null-terminated arrays, or nullptr
  const TableFunctionGetter *tables;     // null-terminated, or nullptr
  int (*connect)(sqlite3 *db);           // per-connection registration, or nullptr
  // What `connect` registers itself (it shares per-connection state): listed here so that
  // xtractr_help() knows it too; register_exports() does not register these.
  const FunctionSpec *const *connect_functions = nullptr;  // as `functions`
  const TableShape *const *connect_tables = nullptr;       // null-terminated
};

// Registers every function of a null-terminated array; returns an SQLite result code.
int register_functions(sqlite3 *db, const FunctionSpec *specs, void *user_data = nullptr);

// Registers everything `exports` lists; returns an SQLite result code.
int register_exports(sqlite3 *db, const SqlExports &exports);

}  // namespace xtractr
