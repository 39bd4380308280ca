// function_registry.h — table-driven registration of xtractr's SQL functions and tables.
//
// Each feature file exports a null-terminated FunctionSpec array; xtractr.cc lists the arrays
// and registers them all on every connection that loads the extension.
#pragma once

#include "extension/sqlite_api.h"

namespace xtractr {

struct FunctionSpec {
  const char *name;
  int arguments;  // -1 for any number
  int flags;      // SQLITE_UTF8 | SQLITE_DETERMINISTIC | ...
  void (*scalar)(sqlite3_context *, int, sqlite3_value **);
  void (*step)(sqlite3_context *, int, sqlite3_value **);
  void (*final)(sqlite3_context *);
};

// The arrays each feature file exports (declared here so they have external linkage).
extern const FunctionSpec field_functions[];
extern const FunctionSpec index_functions[];
extern const FunctionSpec version_functions[];

// Registers every function of a null-terminated array; returns an SQLite result code.
int register_functions(sqlite3 *db, const FunctionSpec *specs, void *user_data = nullptr);

}  // namespace xtractr
