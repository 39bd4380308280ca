// mapreduce_test.cc — mapreduce(): CouchDB semantics, and results equal to plain SQL over
// the same documents (computed in the same run).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "reports_test_db.h"

using reports_test::capture;
using reports_test::Db;

namespace {

const char kSeries[] = "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 3000) ";

// A JSON object as "k=v;..." in key order, so objects built differently compare equal.
std::string canonical(Db &db, const std::string &json) {
  return db.one(
      "SELECT coalesce(group_concat(key || '=' || value, ';'), '') FROM "
      "(SELECT key, value FROM json_each(?1) ORDER BY key)",
      {json});
}

}  // namespace

TEST_CASE("mapreduce over flows equals SQL GROUP BY", "[mapreduce]") {
  Db db;
  std::string c = capture("http_dns_wikipedia_browse__zeek.pcap");
  std::string ours =
      db.one("SELECT mapreduce(doc, 'function (f) { emit(f.service, f.bytes); }', '_sum') FROM flows(?1)", {c});
  std::string sql =
      db.one("SELECT json_group_object(service, b) FROM (SELECT service, sum(bytes) b FROM flows(?1) GROUP BY 1)", {c});
  CHECK(canonical(db, ours) == canonical(db, sql));
  CHECK(canonical(db, ours).find("HTTP=") != std::string::npos);

  ours = db.one("SELECT mapreduce(doc, 'function (f) { emit(f[\"flow.dst\"], 1); }', '_count') FROM flows(?1)", {c});
  sql = db.one("SELECT json_group_object(dst, n) FROM (SELECT dst, count(*) n FROM flows(?1) GROUP BY 1)", {c});
  CHECK(canonical(db, ours) == canonical(db, sql));
}

TEST_CASE("mapreduce over packets: doc.values visits every value of a repeated field", "[mapreduce]") {
  Db db;
  std::string c = capture("http_dns_wikipedia_browse__zeek.pcap");
  std::string ours = db.one(
      "SELECT mapreduce(doc, 'function (p) { p.values(\"tcp.port\", function (port) { emit(port, p.length); }); }', "
      "'_sum')"
      " FROM packets(?1)",
      {c});
  std::string sql = db.one(
      "SELECT json_group_object(port, b) FROM (SELECT j.value port, sum(length) b FROM packets(?1),"
      " json_each(fields(doc, 'tcp.port')) j GROUP BY 1)",
      {c});
  CHECK(canonical(db, ours) == canonical(db, sql));
  CHECK(canonical(db, ours).find("80=") != std::string::npos);
}

TEST_CASE("built-in reducers behave as CouchDB's", "[mapreduce]") {
  Db db;
  // _sum of numbers, of arrays (element-wise) and of objects (member-wise)
  CHECK(db.one(std::string(kSeries) + "SELECT mapreduce(x, 'function (x) { emit(x % 3, x); }', '_sum') FROM s") ==
        db.one(std::string(kSeries) +
               "SELECT json_group_object(k, t) FROM (SELECT x % 3 k, sum(x) t FROM s GROUP BY 1)"));
  CHECK(db.one(std::string(kSeries) + "SELECT mapreduce(x, 'function (x) { emit(\"k\", [x, 1]); }', '_sum') FROM s") ==
        db.one(std::string(kSeries) + "SELECT json_object('k', json_array(sum(x), count(*))) FROM s"));
  CHECK(db.one(std::string(kSeries) +
               "SELECT mapreduce(x, 'function (x) { emit(\"k\", {a: x, b: 2}); }', '_sum') FROM s") ==
        db.one(std::string(kSeries) + "SELECT json_object('k', json_object('a', sum(x), 'b', 2 * count(*))) FROM s"));
  // _count, _stats
  CHECK(db.one(std::string(kSeries) +
               "SELECT mapreduce(x, 'function (x) { emit(x % 2 ? \"odd\" : \"even\", x); }', '_count') FROM s") ==
        R"({"even":1500,"odd":1500})");
  CHECK(db.one(std::string(kSeries) + "SELECT mapreduce(x, 'function (x) { emit(x % 2, x); }', '_stats') FROM s") ==
        db.one(std::string(kSeries) +
               "SELECT json_group_object(k, json_object('sum', t, 'count', n, 'min', lo, 'max', hi, "
               "'sumsqr', sq)) FROM (SELECT x % 2 k, sum(x) t, count(*) n, min(x) lo, max(x) hi, sum(x * x) sq FROM s "
               "GROUP BY 1)"));
  // wrong value types are the reducer's error
  CHECK_THAT(db.error("SELECT mapreduce('x', 'function (x) { emit(1, x); }', '_sum')"),
             Catch::Contains("builtin _sum function requires map values to be numbers"));
  CHECK_THAT(db.error("SELECT mapreduce(1, 'function (x) { emit(1, x); }', '_median')"),
             Catch::Contains("unknown built-in reducer _median"));
}

TEST_CASE("a JavaScript reducer is called on batches and rereduced", "[mapreduce]") {
  Db db;
  // 3000 values: three reduce(…, false) calls of 1000, then one rereduce of their results.
  CHECK(db.one(std::string(kSeries) +
               "SELECT mapreduce(x, 'function (x) { emit(\"k\", x); }', 'function (keys, values, rereduce) {"
               " return rereduce ? \"re:\" + values.join(\"+\") : values.length; }') FROM s") ==
        R"({"k":"re:1000+1000+1000"})");
  // reduce sees [key, doc id] pairs on the first pass and null keys when rereducing
  CHECK(db.one("SELECT mapreduce(doc, 'function (d) { emit(d.k, 1); }', 'function (keys, values, rereduce) {"
               " return keys.map(function (k) { return k[0] + \"/\" + k[1]; }).join(\",\"); }')"
               " FROM (SELECT json_object('id', 7, 'k', 'a') doc UNION ALL SELECT json_object('id', 9, 'k', 'a'))") ==
        R"({"a":"a/7,a/9"})");
  // the total is the same as SQL's, whatever the batching
  CHECK(
      db.one(
          std::string(kSeries) +
          "SELECT mapreduce(x, 'function (x) { emit(x % 7, x); }', 'function (k, v) { return v.reduce(function (a, b) {"
          " return a + b; }, 0); }') FROM s") ==
      db.one(std::string(kSeries) +
             "SELECT json_group_object(k, t) FROM (SELECT x % 7 k, sum(x) t FROM s GROUP BY 1)"));
}

TEST_CASE("map without reduce lists the values, keys are cut at 1024 characters", "[mapreduce]") {
  Db db;
  CHECK(db.one("SELECT mapreduce(value, 'function (x) { emit(x % 2, x * 10); }') FROM json_each('[1,2,3,4]')") ==
        R"({"0":[20,40],"1":[10,30]})");
  CHECK(db.one("SELECT length(key) FROM json_each((SELECT mapreduce(1, 'function () { emit(\"x\".repeat(5000), 1); }', "
               "'_count')))") == "1024");
  // non-string keys as JSON; a doc emitted as a value is copied out whole
  CHECK(db.one("SELECT mapreduce(1, 'function () { emit([1, \"a\"], null); emit(null, true); }', '_count')") ==
        R"({"[1,\"a\"]":1,"null":1})");
  CHECK(db.one("SELECT mapreduce(json_object('id', 3, 'src', 'a'), 'function (d) { emit(d.src, d); }')") ==
        R"({"a":[{"id":3,"src":"a"}]})");
  CHECK(db.one("SELECT mapreduce(1, 'function () {}') WHERE 0") == "{}");
}

TEST_CASE("docs are read lazily, pkt.X and flow.X name columns, and cannot be kept", "[mapreduce]") {
  Db db;
  std::string c = capture("http_dns_wikipedia_browse__zeek.pcap");
  // flow.* names and plain column names read the same member
  CHECK(
      db.one(
          "SELECT mapreduce(doc, 'function (f) { emit(f[\"flow.bytes\"] === f.bytes, 1); }', '_count') FROM flows(?1)",
          {c}) == R"({"true":)" + db.one("SELECT count(*) FROM flows(?1)", {c}) + "}");
  // Object.keys lists every member; toJSON copies the doc
  CHECK(
      db.one("SELECT mapreduce(doc, 'function (f) { emit(Object.keys(f).join(), 1); }', '_count') FROM flows(?1) WHERE "
             "id = 1",
             {c}) ==
      db.one("SELECT json_object((SELECT group_concat(key) FROM json_each(doc)), 1) FROM flows(?1) WHERE id = 1", {c}));
  CHECK(
      db.one("SELECT mapreduce(doc, 'function (f) { emit(\"k\", JSON.stringify(f) === JSON.stringify(f.toJSON())); }')"
             " FROM flows(?1) WHERE id = 1",
             {c}) == R"({"k":[true]})");
  CHECK_THAT(
      db.error("SELECT mapreduce(doc, 'function (f) { if (globalThis.kept) emit(kept.src, 1); globalThis.kept = f; }')"
               " FROM flows(?1)",
               {c}),
      Catch::Contains("a document can only be read during the map call that received it"));
  db.one("SELECT js_create_function('emit_outside', 'function () { emit(1, 1); }')");
  // emit() exists only in a statement that runs a map (each statement has a context of its own)
  CHECK_THAT(db.error("SELECT emit_outside()"), Catch::Contains("ReferenceError: emit is not defined"));
}
