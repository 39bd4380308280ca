// extract_table.h — xtractr's extraction table functions (xtractr_stream, xtractr_objects,
// xtractr_credentials) as TableFunctions (core/table_function.h).
//
// Usage (C++): a feature file defines an ExtractTableSpec (schema with its arguments as the
// last, HIDDEN columns, and a `produce` function); extract_table.cc makes it a TableFunction
// and extract_sql.cc lists it.
//
// How it works: the arguments are the table function's arguments (table_function.h checks
// the required ones). xFilter calls produce(), which computes every row at once
// (re-dissection needs one pass in frame order anyway); the cursor then walks the rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sqlite_api.h"
#include "core/table_function.h"

namespace xtractr {

struct ExtractValue {
  enum Kind { Null, Integer, Real, Text, Blob } kind = Null;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;

  static ExtractValue null() { return {}; }
  static ExtractValue of(int64_t v) {
    ExtractValue x;
    x.kind = Integer;
    x.integer = v;
    return x;
  }
  static ExtractValue of_real(double v) {
    ExtractValue x;
    x.kind = Real;
    x.real = v;
    return x;
  }
  static ExtractValue text(std::string v) {
    ExtractValue x;
    x.kind = Text;
    x.bytes = std::move(v);
    return x;
  }
  static ExtractValue blob(std::string v) {
    ExtractValue x;
    x.kind = Blob;
    x.bytes = std::move(v);
    return x;
  }
};
using ExtractRow = std::vector<ExtractValue>;

struct ExtractTableSpec {
  const char *name;    // for messages: "xtractr_stream"
  const char *schema;  // CREATE TABLE x(<columns>, <arguments> HIDDEN)
  int columns;         // number of visible columns (the arguments follow them)
  int required_arguments;
  int arguments;  // hidden argument columns
  // Computes the rows; `args` holds `arguments` values (nullptr where not given).
  void (*produce)(sqlite3 *db, sqlite3_value **args, std::vector<ExtractRow> &rows);
  SqlHelp help;  // for xtractr_help()
};

extern const ExtractTableSpec stream_table_spec;
extern const ExtractTableSpec objects_table_spec;
extern const ExtractTableSpec credentials_table_spec;

// The table functions, made on first use.
const TableFunction &stream_table();
const TableFunction &objects_table();
const TableFunction &credentials_table();

}  // namespace xtractr
