// mapreduce_job.h — one map/reduce run: feed it documents, then read the reduced results.
//
// Usage (C++, inside a JsScope and an Episode on `engine`):
//
//   MapReduceJob job = MapReduceJob::from_source(engine, "function (d) { emit(d.src, d.bytes); }", "_sum");
//   job.feed_json(doc_text);             // for each document
//   std::string json = job.object_json();   // {"10.0.0.1": 3821, ...}
//
// How it works: the job is an object made by mapreduce.js (newJob); feed_json wraps the
// text in a lazy Doc (doc_object.h) for the length of one map call.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "udf/js_engine.h"
#include "udf/js_values.h"

namespace xtractr {

using ReportArgument = std::variant<std::string, double>;

// Thrown by drain when the map reads more than the row's columns: `name` is what
// it read ("" for the whole doc).
struct NeedWholeDocs : std::runtime_error {
  explicit NeedWholeDocs(std::string name)
      : std::runtime_error("the map function reads more than the columns"), name(std::move(name)) {}
  std::string name;
};

// The docref a value is (core/doc_ref.h), or empty.
std::string_view doc_ref(sqlite3_value *value);

class MapReduceJob {
 public:
  // reduce: nullopt for none (each key gets the list of its values), "_sum"/"_count"/"_stats",
  // or a JavaScript function expression.
  static MapReduceJob from_source(JsEngine &engine, const std::string &map, const std::optional<std::string> &reduce);
  // A built-in report of reports.js, e.g. ("sum", {"flow.src", "flow.bytes"}).
  static MapReduceJob from_report(JsEngine &engine, const std::string &name, const std::vector<ReportArgument> &args);

  MapReduceJob(MapReduceJob &&) = default;
  ~MapReduceJob();  // must run with the engine's isolate locked (inside a JsScope)

  void feed_json(std::string_view json);  // a document's JSON text, borrowed for the call
  void feed_value(sqlite3_value *value);  // any SQL value; JSON objects and docrefs become lazy docs
  // Docrefs (core/doc_ref.h) laid end to end, each XTRACTR_DOC_REF_SIZE bytes, in one
  // JavaScript loop (mapreduce() collects a batch of its rows' docrefs: a call into V8 per row
  // cost more than the map itself).
  void feed_refs(std::string_view refs);
  // Every remaining row of `rows` (a statement on `db`), in one JavaScript loop: row docs whose
  // members are the columns (names[i] = column i; NeedWholeDocs if the map reads anything
  // else), or, without names, column 0 as the doc's JSON or docref (core/doc_ref.h). SQL time
  // is not counted against the time limit.
  void drain(sqlite3 *db, sqlite3_stmt *rows, const std::vector<std::string> *names);
  // Every remaining row of `rows`, whose column 0 is a docref: fed kRefBatch at a time
  // (feed_refs), so that a member is read for a block's docs at once (doc_object.h). Any other
  // value is fed as feed_value() would.
  void drain_refs(sqlite3 *db, sqlite3_stmt *rows);
  // How many docrefs feed_refs() is best given at a time.
  static constexpr size_t kRefBatch = 512;

  std::string object_json();
  std::vector<std::pair<SqlValue, SqlValue>> rows();

 private:
  MapReduceJob(JsEngine &engine, v8::Local<v8::Object> job);
  void feed(v8::Local<v8::Value> doc);
  template <typename Make>
  void feed_doc(Make &&make);  // a Doc made by make(DocFactory &), for one map call

  JsEngine *engine_;
  v8::Global<v8::Object> job_;
  v8::Global<v8::Function> feed_;
};

}  // namespace xtractr
