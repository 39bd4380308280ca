// js_values.cc — see js_values.h.
#include "udf/js_values.h"

#include <cmath>
#include <cstring>

#include "udf/js_engine.h"

namespace xtractr {

namespace {
constexpr double kMaxSafe = 9007199254740991.0;  // 2^53 - 1
}

void SqlValue::result(sqlite3_context *ctx) const {
  switch (kind) {
    case Null:
      sqlite3_result_null(ctx);
      break;
    case Integer:
      sqlite3_result_int64(ctx, integer);
      break;
    case Real:
      sqlite3_result_double(ctx, real);
      break;
    case Text:
      sqlite3_result_text(ctx, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
      break;
    case Json:
      sqlite3_result_text(ctx, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
      sqlite3_result_subtype(ctx, 'J');
      break;
    case Blob:
      sqlite3_result_blob(ctx, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
      break;
  }
}

v8::Local<v8::Value> sql_to_js(v8::Isolate *isolate, sqlite3_value *value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER: {
      int64_t n = sqlite3_value_int64(value);
      if (double(n) >= -kMaxSafe && double(n) <= kMaxSafe) return v8::Number::New(isolate, double(n));
      return v8::BigInt::New(isolate, n);
    }
    case SQLITE_FLOAT:
      return v8::Number::New(isolate, sqlite3_value_double(value));
    case SQLITE_TEXT: {
      const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
      return js_string(isolate, std::string_view(text ? text : "", size_t(sqlite3_value_bytes(value))));
    }
    case SQLITE_BLOB: {
      size_t size = size_t(sqlite3_value_bytes(value));
      const void *data = sqlite3_value_blob(value);
      v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, size);
      if (size) std::memcpy(buffer->GetBackingStore()->Data(), data, size);
      return v8::Uint8Array::New(buffer, 0, size);
    }
    default:
      return v8::Null(isolate);
  }
}

SqlValue js_to_sql(JsEngine &engine, v8::Local<v8::Value> value, const std::string &what) {
  v8::Isolate *isolate = engine.isolate();
  SqlValue out;
  if (value->IsNullOrUndefined()) return out;
  if (value->IsNumber()) {
    double d = value.As<v8::Number>()->Value();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= kMaxSafe) {
      out.kind = SqlValue::Integer;
      out.integer = int64_t(d);
    } else if (std::isnan(d)) {
      out.kind = SqlValue::Null;  // SQLite has no NaN
    } else {
      out.kind = SqlValue::Real;
      out.real = d;
    }
    return out;
  }
  if (value->IsBigInt()) {
    bool lossless = false;
    int64_t n = value.As<v8::BigInt>()->Int64Value(&lossless);
    if (!lossless) throw UserError(what + " returned a BigInt outside the 64-bit integer range");
    out.kind = SqlValue::Integer;
    out.integer = n;
    return out;
  }
  if (value->IsBoolean()) {
    out.kind = SqlValue::Integer;
    out.integer = value->IsTrue() ? 1 : 0;
    return out;
  }
  if (value->IsString()) {
    out.kind = SqlValue::Text;
    out.bytes = js_utf8(isolate, value);
    return out;
  }
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    out.kind = SqlValue::Blob;
    out.bytes.resize(view->ByteLength());
    view->CopyContents(out.bytes.data(), out.bytes.size());
    return out;
  }
  if (value->IsArrayBuffer()) {
    auto buffer = value.As<v8::ArrayBuffer>();
    out.kind = SqlValue::Blob;
    out.bytes.assign(static_cast<const char *>(buffer->GetBackingStore()->Data()), buffer->ByteLength());
    return out;
  }
  if (value->IsObject()) {
    v8::Local<v8::Context> ctx = engine.context();
    v8::Local<v8::Value> json = engine.call(what, [&]() -> v8::MaybeLocal<v8::Value> {
      v8::Local<v8::String> text;
      if (!v8::JSON::Stringify(ctx, value).ToLocal(&text)) return {};
      return text;
    });
    out.kind = SqlValue::Json;
    out.bytes = js_utf8(isolate, json);
    return out;
  }
  return out;  // symbols, functions: NULL
}

}  // namespace xtractr
