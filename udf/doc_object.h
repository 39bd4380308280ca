// doc_object.h — packet and flow documents as lazy JavaScript objects.
//
// Usage (JavaScript, in a map function):
//
//   function (doc) {
//     emit(doc.src, doc.bytes);                          // a column
//     emit(doc['flow.service'], 1);                      // flow.X / pkt.X name the columns
//     doc.values('dns.qry.name', function (q) { emit(q, 1); });  // each value of a field
//     var copy = doc.toJSON();                           // the whole doc as a plain object
//   }
//
// How it works: a doc is ~100 fields; a map function reads a few. The object carries no
// properties: a named-property interceptor finds the member in the doc's JSON text
// (json_lookup.h) only when it is read, and converts just that value. The text is borrowed
// for one map call; every object records the generation it was made in, and reading an
// object after its call is a JavaScript error instead of a dangling read.
#pragma once

#include <v8.h>

#include <cstdint>
#include <string_view>

namespace xtractr {

class DocFactory {
 public:
  DocFactory(v8::Isolate *isolate, v8::Local<v8::Context> context);
  ~DocFactory();

  // A doc object over `json`, readable until the next make() or release().
  v8::MaybeLocal<v8::Object> make(std::string_view json);
  void release();
  // The constructor whose instances the docs are (`doc instanceof Doc`).
  v8::Local<v8::Function> constructor();

  // Internal (used by the interceptors).
  bool current(v8::Local<v8::Object> doc, std::string_view &json) const;
  v8::Isolate *isolate() const { return isolate_; }

 private:
  v8::Isolate *isolate_;
  v8::Global<v8::Function> constructor_;
  std::string_view json_;
  uint32_t generation_ = 0;
};

// Converts one raw JSON value (numbers, strings, literals, arrays, objects) to JavaScript.
v8::MaybeLocal<v8::Value> json_to_js(v8::Isolate *isolate, v8::Local<v8::Context> context, std::string_view raw);

}  // namespace xtractr
