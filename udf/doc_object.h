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
//
// Referenced docs: a doc can also be a `docref` of packets()/flows() (core/doc_ref.h): each
// member read asks the extension's reader for just that member's JSON, so no doc JSON is
// built at all. Docrefs fed in a batch (begin_batch, mapreduce()'s 512 rows at a time) are
// read member by member for the whole batch: the first read of a name asks the reader once
// for that member of the batch's docs left in the same block of 1,024 frames (one decoded
// column: XtractrDocReader::members), and later docs take theirs from that answer. A value converted for one doc is
// reused for the next while the docs repeat it (consecutive frames of a flow mostly do), when
// it is a string — never an object or array, which the map may change.
//
// Row docs: a doc can also be read straight from the columns of a statement row (no JSON
// built at all). A row doc knows only those names; reading any other (or the whole doc)
// marks the factory `missed` and throws, and the caller starts again with JSON docs
// (report_tables.cc) — so a map that reads only columns never pays for building docs.
#pragma once

#include <v8.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/doc_ref.h"
#include "core/sqlite_api.h"

namespace xtractr {

class DocFactory {
 public:
  DocFactory(v8::Isolate *isolate, v8::Local<v8::Context> context);
  ~DocFactory();

  // A doc object over `json`, readable until the next make() or release().
  v8::MaybeLocal<v8::Object> make(std::string_view json);
  // A doc object over a docref (a BLOB that looks_like_doc_ref), readable until the next
  // make*() or release(); empty, with a JavaScript error thrown, when there is no reader.
  v8::MaybeLocal<v8::Object> make_ref(std::string_view ref);
  // Docrefs laid end to end (XTRACTR_DOC_REF_SIZE bytes each), borrowed until end_batch():
  // make_batch_ref(i) makes the i-th one's doc, readable until the next make*() or release().
  void begin_batch(std::string_view refs);
  v8::MaybeLocal<v8::Object> make_batch_ref(size_t i);
  void end_batch();
  // A doc object over the current row of `row`, whose column i is named names[i].
  v8::MaybeLocal<v8::Object> make_row(sqlite3_stmt *row, const std::vector<std::string> *names);
  // Whether a row doc was asked for something its row lacks (until reset_missed()), and
  // what: a name, or "" for the whole doc (Object.keys, toJSON).
  bool missed() const { return missed_; }
  const std::string &missed_name() const { return missed_name_; }
  void reset_missed() {
    missed_ = false;
    missed_name_.clear();
  }
  void release();
  // The constructor whose instances the docs are (`doc instanceof Doc`).
  v8::Local<v8::Function> constructor();

  // Internal (used by the interceptors).
  bool current(v8::Local<v8::Object> doc) const;
  bool row_mode() const { return row_ != nullptr; }
  std::string_view json() const { return json_; }
  std::string_view ref() const { return ref_; }
  void *reader_state() const { return reader_state_; }
  sqlite3_stmt *row() const { return row_; }
  int column(std::string_view name) const;  // -1 if the row has no such column
  // The column of a property name already seen in this row layout (names are internalized
  // strings: identity is enough), or -1; remember() records one.
  int cached_column(v8::Local<v8::Name> property) const;
  void remember(v8::Local<v8::Name> property, int column);
  void miss(std::string_view name);  // sets missed() and throws a JavaScript error
  // A member name read in batches (begin_batch): its answer for the current batch.
  struct BatchMember;
  // The batch member `property` names when the current doc is a batch's, or nullptr; added
  // (as `name`; `prototype` for names that are never members) when new, table space allowing.
  BatchMember *batch_member(v8::Local<v8::Name> property);
  BatchMember *add_batch_member(v8::Local<v8::Name> property, std::string_view name, bool prototype);
  // The member's raw JSON for the current doc: 1 found, 0 absent, -1 when the batch could not
  // be read (the doc is then read alone, which reports its own error).
  int batch_raw(BatchMember &member, std::string_view &raw);
  // The value of `raw` (the member's JSON for the current doc), reusing the last one when equal.
  v8::MaybeLocal<v8::Value> batch_value(BatchMember &member, std::string_view raw);

 private:
  v8::Isolate *isolate_;
  v8::Global<v8::Function> constructor_;
  std::string_view json_;
  std::string_view ref_;          // the docref, when the doc is one
  void *reader_state_ = nullptr;  // the doc reader's, opened on the first docref
  sqlite3_stmt *row_ = nullptr;
  const std::vector<std::string> *names_ = nullptr;
  size_t layout_size_ = 0;
  std::vector<std::pair<v8::Global<v8::Name>, int>> name_cache_;
  std::string_view batch_refs_;    // begin_batch()'s
  size_t batch_index_ = SIZE_MAX;  // the current doc's place in it, SIZE_MAX when not a batch's
  uint64_t batch_serial_ = 0;      // which batch (a member's answer belongs to one)
  std::vector<std::unique_ptr<BatchMember>> batch_members_;
  bool missed_ = false;
  std::string missed_name_;
  uint32_t generation_ = 0;
};

// The reader of docrefs (from xtractr.so, through js_module.h); nullptr until set.
void set_doc_reader(const XtractrDocReader *reader);

// The column a doc member name stands for: `pkt.X` and `flow.X` name the column X.
std::string_view column_name(std::string_view name);

// Converts one raw JSON value (numbers, strings, literals, arrays, objects) to JavaScript.
v8::MaybeLocal<v8::Value> json_to_js(v8::Isolate *isolate, v8::Local<v8::Context> context, std::string_view raw);

}  // namespace xtractr
