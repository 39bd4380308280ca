// function_registry.cc — see function_registry.h.
#include "core/function_registry.h"

namespace xtractr {

int register_functions(sqlite3 *db, const FunctionSpec *specs, void *user_data) {
  for (const FunctionSpec *f = specs; f->name; ++f) {
    int rc = sqlite3_create_function_v2(db, f->name, f->arguments, f->flags, user_data, f->scalar, f->step, f->final,
                                        nullptr);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

int register_exports(sqlite3 *db, const SqlExports &exports) {
  for (const FunctionSpec *const *group = exports.functions; group && *group; ++group)
    if (int rc = register_functions(db, *group); rc != SQLITE_OK) return rc;
  for (const TableFunctionGetter *table = exports.tables; table && *table; ++table)
    if (int rc = register_table_function(db, (*table)()); rc != SQLITE_OK) return rc;
  return exports.connect ? exports.connect(db) : SQLITE_OK;
}

}  // namespace xtractr
