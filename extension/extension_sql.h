// extension_sql.h — what the extension itself adds to SQL, beside its libraries' exports:
// the packets()/flows() tables (capture_tables.h) and the field, index and version functions.
// xtractr.cc registers it first in its one list (core/function_registry.h).
#pragma once

#include "core/function_registry.h"

namespace xtractr {

extern const SqlExports extension_sql;

// Everything xtractr adds to SQL, library by library, null-terminated (xtractr.cc): what the
// entry point registers and what xtractr_help lists.
extern const SqlExports *const all_exports[];

// xtractr_help (help_table.cc).
const TableFunction &help_table();

// The function arrays of the feature files.
extern const FunctionSpec field_functions[];    // field(), fields() (field_functions.cc)
extern const FunctionSpec index_functions[];    // xtractr_index() (index_function.cc)
extern const FunctionSpec version_functions[];  // xtractr_version() (version_function.cc)

}  // namespace xtractr
