/*
** version_function.cc — xtractr_version(): the versions of xtractr and what it is built on.
**
** Usage:
**
**   SELECT xtractr_version();
**   -- {"xtractr":"0.1.0","libwireshark":"4.0.17","xapian":"1.4.22","v8":"10.2.154.26-node.36",
**   --  "sqlite":"3.40.1"}
**
** The V8 version is the JavaScript runtime's (udf/js_module.h), which this loads.
*/
#include <xapian.h>

#include <string>

#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "extension/extension_sql.h"
#include "index/block_codec.h"
#include "udf/udf.h"

#ifndef XTRACTR_VERSION
#define XTRACTR_VERSION "0.0.0"
#endif

namespace xtractr {

namespace {

void xtractr_version_function(sqlite3_context *ctx, int, sqlite3_value **) {
  guard_function(ctx, [&] {
    ensure_wireshark();
    std::string out = "{\"xtractr\":";
    json_append_string(out, XTRACTR_VERSION);
    out += ",\"libwireshark\":";
    json_append_string(out, wireshark_version());
    out += ",\"xapian\":";
    json_append_string(out, Xapian::version_string());
    out += ",\"v8\":";
    if (std::string v8 = v8_version(); v8.empty())
      out += "null";  // the JavaScript runtime cannot be loaded; a JavaScript call says why
    else
      json_append_string(out, v8);
    out += ",\"sqlite\":";
    json_append_string(out, sqlite3_libversion());
    out.push_back('}');
    sqlite3_result_text(ctx, out.data(), int(out.size()), SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, 'J');
  });
}

}  // namespace

const FunctionSpec version_functions[] = {
    {"xtractr_version",
     0,
     SQLITE_UTF8 | SQLITE_INNOCUOUS,
     xtractr_version_function,
     nullptr,
     nullptr,
     {"xtractr_version()", "the versions of xtractr, libwireshark, Xapian, V8 and SQLite (JSON)",
      "SELECT xtractr_version()"}},
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

}  // namespace xtractr
