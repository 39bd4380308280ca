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
** How it works: registers, on the connection that loads it, the table-valued functions and
** the SQL functions each feature file exports (function_registry.h). libwireshark and V8 are
** initialised lazily, on first use, once per process; the library is linked with
** -z nodelete because neither can be initialised twice.
*/
#include "core/function_registry.h"
#include "core/sql_error.h"
#include "extension/capture_tables.h"
#include "udf/udf.h"

namespace xtractr {

namespace {

struct TableRegistration {
  const char *name;
  const TableSpec *spec;
};
const TableRegistration kTables[] = {
    {"packets", &packets_spec},
    {"flows", &flows_spec},
};

const FunctionSpec *const kFunctionGroups[] = {
    field_functions, index_functions, version_functions, dissect_functions, write_pcap_functions, write_flows_functions,
};

}  // namespace

}  // namespace xtractr

extern "C" __attribute__((visibility("default"))) int sqlite3_xtractr_init(sqlite3 *db, char **error,
                                                                           const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  using namespace xtractr;
  try {
    for (const auto &table : kTables) {
      int rc =
          sqlite3_create_module_v2(db, table.name, &index_table_module, const_cast<TableSpec *>(table.spec), nullptr);
      if (rc != SQLITE_OK) return rc;
    }
    for (const ModuleSpec *m = extract_modules; m->name; ++m) {
      int rc = sqlite3_create_module_v2(db, m->name, m->module, const_cast<void *>(m->aux), nullptr);
      if (rc != SQLITE_OK) return rc;
    }
    for (const ModuleSpec *m = search_modules; m->name; ++m) {
      int rc = sqlite3_create_module_v2(db, m->name, m->module, const_cast<void *>(m->aux), nullptr);
      if (rc != SQLITE_OK) return rc;
    }
    for (const FunctionSpec *group : kFunctionGroups) {
      int rc = register_functions(db, group);
      if (rc != SQLITE_OK) return rc;
    }
    if (int rc = register_udf(db); rc != SQLITE_OK) return rc;
  } catch (const std::exception &e) {
    if (error) *error = sql_error_message(e.what());
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}
