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

}  // namespace xtractr
