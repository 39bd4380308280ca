// js_values.h — SQL values to JavaScript and back.
//
// SQL → JS: INTEGER → Number (BigInt outside ±(2^53−1), so it stays exact), REAL → Number,
// TEXT → String, BLOB → Uint8Array, NULL → null.
// JS → SQL: an integral Number within ±(2^53−1) → INTEGER, other Numbers → REAL, BigInt →
// INTEGER (an error outside the 64-bit range), boolean → 1/0, String → TEXT, Uint8Array /
// ArrayBuffer → BLOB, null/undefined → NULL, objects and arrays → their JSON text.
#pragma once

#include <v8.h>

#include <cstdint>
#include <string>

#include "core/sqlite_api.h"

namespace xtractr {

class JsEngine;

// A SQL value that outlives V8 handles (rows of a table-valued function).
struct SqlValue {
  enum Kind { Null, Integer, Real, Text, Blob, Json } kind = Null;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;

  void result(sqlite3_context *ctx) const;
};

v8::Local<v8::Value> sql_to_js(v8::Isolate *isolate, sqlite3_value *value);
// `what` names the function in errors; runs JSON.stringify inside engine.call.
SqlValue js_to_sql(JsEngine &engine, v8::Local<v8::Value> value, const std::string &what);

}  // namespace xtractr
