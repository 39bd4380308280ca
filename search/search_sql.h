// search_sql.h — what the search library adds to SQL, for the extension's registration list
// (core/function_registry.h).
//
// Table-valued functions: xtractr_fields(capture), xtractr_terms(capture, field [, query])
// (catalog_tables.cc). The search itself is the query/filter argument of packets()/flows().
#pragma once

#include "core/function_registry.h"

namespace xtractr {

extern const SqlExports search_sql;

}  // namespace xtractr
