/*
** xtractr.cc — the extension's entry point: `.load ./build/xtractr` runs sqlite3_xtractr_init.
**
** Usage:
**
**   $ sqlite3
**   sqlite> .load ./build/xtractr
**   sqlite> SELECT src, dst, dport, service, packets, bytes FROM flows('day1.pcapng')
**      ...>  ORDER BY bytes DESC LIMIT 10;
**
** How it works: registers, on the connection that loads it, what each library exports to SQL
** (one list, all_exports: each library's SqlExports, core/function_registry.h); the same list,
** with each entry's help, is the xtractr_help table (help_table.cc). libwireshark and V8 are
** initialised lazily, on first use, once per process; the library is linked with
** -z nodelete because neither can be initialised twice. V8 is not linked in: it is
** xtractr-v8.so, opened on the first JavaScript call (udf/js_module.h).
*/
#include "core/debug_log.h"
#include "core/function_registry.h"
#include "core/sql_error.h"
#include "extension/capture_tables.h"
#include "extension/extension_sql.h"
#include "extension/nuggets.h"
#include "extract/extract_sql.h"
#include "index/doc_ref.h"
#include "search/search_sql.h"
#include "udf/udf.h"

#include <cstdio>

namespace xtractr {

namespace {
const FunctionSpec *const kFunctions[] = {field_functions, index_functions, version_functions, nullptr};
const TableFunctionGetter kTables[] = {packets_table, flows_table, help_table, nuggets_table, nugget_table, nullptr};
}  // namespace

const SqlExports extension_sql = {"extension", kFunctions, kTables, nullptr};

// Everything xtractr adds to SQL, library by library.
const SqlExports *const all_exports[] = {&extension_sql, &search_sql, &extract_sql, &udf_sql, nullptr};

}  // namespace xtractr

extern "C" __attribute__((visibility("default"))) int sqlite3_xtractr_init(sqlite3 *db, char **error,
                                                                           const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  using namespace xtractr;
  set_js_doc_reader(doc_ref_reader());
  if (debug_enabled()) {
    char age[64];
    std::snprintf(age, sizeof age, "%.0f ms", process_age_ms());
    debug_line("load", std::string(age) + " (process age when xtractr.so's init ran, its libraries' loading included)");
  }
  try {
    DebugPhase phase("registration");
    for (const SqlExports *const *exports = all_exports; *exports; ++exports)
      if (int rc = register_exports(db, **exports); rc != SQLITE_OK) return rc;
  } catch (const std::exception &e) {
    if (error) *error = sql_error_message(e.what());
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}
