// credentials_table.cc — placeholder while the table is written.
#include "extension/extract/extract_table.h"
namespace xtractr {
namespace { void produce(sqlite3 *, sqlite3_value **, std::vector<ExtractRow> &) {} }
const ExtractTableSpec credentials_table_spec = {"xtractr_credentials", "CREATE TABLE x(a, capture HIDDEN)", 1, 1, 1, produce};
}  // namespace xtractr
