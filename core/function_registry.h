// function_registry.h — table-driven registration of xtractr's SQL functions and tables.
//
// Each feature file exports a null-terminated FunctionSpec array; xtractr.cc lists the arrays
// and registers them all on every connection that loads the extension.
#pragma once

#include "core/sqlite_api.h"

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
// extraction (extension/extract/)
extern const FunctionSpec dissect_functions[];
extern const FunctionSpec write_pcap_functions[];
extern const FunctionSpec write_flows_functions[];

// A table-valued function with its own sqlite3_module (client data: `aux`).
struct ModuleSpec {
  const char *name;
  const sqlite3_module *module;
  const void *aux;
};
// xtractr_stream, xtractr_objects, xtractr_credentials (extension/extract/), null-terminated.
extern const ModuleSpec extract_modules[];
// xtractr_fields, xtractr_terms (extension/search/catalog_tables.cc), null-terminated.
extern const ModuleSpec search_modules[];

// Registers every function of a null-terminated array; returns an SQLite result code.
int register_functions(sqlite3 *db, const FunctionSpec *specs, void *user_data = nullptr);

}  // namespace xtractr
