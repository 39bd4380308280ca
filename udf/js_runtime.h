// js_runtime.h — a connection's JavaScript: its limits and its current JsEngine.
//
// Usage:
//
//   SELECT js_config('timeout_ms', 500);   -- JavaScript run time per statement
//   SELECT js_config('heap_mb', 128);      -- V8 heap (and ArrayBuffer) limit
//   SELECT js_config('timeout_ms');        -- the current value
//
// How it works: register_udf (udf.h) makes one JsRuntime per connection, shared (by
// shared_ptr) by every function and table it registers; it dies with the last of them when
// the connection closes. The isolate is created on first use. A new heap limit needs a new
// isolate: the runtime drops its engine and the next statement makes one; a running
// statement (JsStatement, js_engine.h) keeps the old one alive until it ends.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/sqlite_api.h"
#include "udf/js_engine.h"

namespace xtractr {

class JsRuntime {
 public:
  explicit JsRuntime(sqlite3 *db) : db_(db) {}

  sqlite3 *db() const { return db_; }
  std::shared_ptr<JsEngine> engine();

  int64_t timeout_ms() const { return timeout_ms_; }
  int64_t heap_mb() const { return heap_mb_; }
  void set_timeout_ms(int64_t ms);
  void set_heap_mb(int64_t mb);

  // Functions made by js_create_function/js_create_aggregate, by lower-case name: SQLite cannot
  // replace a function while a statement runs (and js_create_* runs in one), so a second
  // js_create_* of a name updates the registered function's source instead.
  std::map<std::string, void *> &user_functions() { return user_functions_; }

 private:
  std::map<std::string, void *> user_functions_;
  sqlite3 *db_;
  int64_t timeout_ms_ = 10000;
  int64_t heap_mb_ = 512;
  std::shared_ptr<JsEngine> engine_;
};

}  // namespace xtractr
