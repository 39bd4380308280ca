// js_safety_test.cc — JavaScript from other people: no way out of the sandbox, time and heap
// limits, errors with the JS message and line, and a connection that stays usable.
#include <catch2/catch.hpp>

#include "reports_test_db.h"

using reports_test::capture;
using reports_test::Db;

TEST_CASE("the context has no file, network, process or module access", "[js][safety]") {
  Db db;
  db.one("SELECT js_create_function('kind', 'function (name) { return typeof globalThis[name]; }')");
  for (const char *name : {"require", "process", "module", "fetch", "XMLHttpRequest", "WebAssembly", "Deno", "Bun",
                           "importScripts", "SharedArrayBuffer", "Atomics", "setTimeout"})
    CHECK(db.one("SELECT kind(?1)", {name}) == "undefined");
  CHECK(db.one("SELECT kind('JSON')") == "object");  // ECMAScript built-ins are there
  // no module loader: import() is refused (its promise settles after the call, so look twice in
  // one statement: the next statement has a fresh context)
  db.one(
      "SELECT js_create_function('dyn', 'function () { if (!globalThis.state) { globalThis.state = \"pending\";"
      " import(\"fs\").then(function () { state = \"loaded\"; }, function () { state = \"refused\"; }); } return "
      "state; }')");
  CHECK(db.rows("SELECT dyn(), dyn()") == std::vector<reports_test::Row>{{"pending", "refused"}});
  CHECK(db.one("SELECT dyn()") == "pending");
}

TEST_CASE("a runaway script stops at the time limit and the connection stays usable", "[js][safety]") {
  Db db;
  CHECK(db.one("SELECT js_config('timeout_ms')") == "10000");
  CHECK(db.one("SELECT js_config('timeout_ms', 200)") == "200");
  std::string c = capture("http_dns_wikipedia_browse__zeek.pcap");
  CHECK_THAT(db.error("SELECT mapreduce(doc, 'function (f) { for (;;); }') FROM flows(?1)", {c}),
             Catch::Contains("time limit of 200 ms"));
  db.one("SELECT js_create_function('spin', 'function (n) { while (n) {} return 1; }')");
  CHECK_THAT(db.error("SELECT spin(1)"), Catch::Contains("JavaScript in function spin stopped: time limit"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_mapreduce(?1, '', 'function (d) { for (;;); }')", {c}),
             Catch::Contains("time limit"));
  // promises' jobs are JavaScript too
  CHECK_THAT(db.error("SELECT mapreduce(1, 'function () { (async function () { for (;;) await 0; })(); }')"),
             Catch::Contains("time limit"));
  // the same connection works afterwards, in JavaScript and in SQL
  CHECK(db.one("SELECT spin(0)") == "1");
  CHECK(db.one("SELECT mapreduce(doc, 'function (f) { emit(1, 1); }', '_count') FROM flows(?1)", {c}) ==
        "{\"1\":" + db.one("SELECT count(*) FROM flows(?1)", {c}) + "}");
  CHECK_THAT(db.error("SELECT js_config('timeout_ms', 0)"), Catch::Contains("between 1 and"));
}

TEST_CASE("a script that eats memory stops at the heap limit and the connection stays usable", "[js][safety]") {
  Db db;
  CHECK(db.one("SELECT js_config('heap_mb')") == "512");
  db.one("SELECT js_create_function('answer', 'function () { return 42; }')");
  CHECK(db.one("SELECT js_config('heap_mb', 48)") == "48");
  CHECK_THAT(db.error("SELECT mapreduce(1, 'function () { var a = []; for (;;) a.push({x: [1, 2, 3]}); }')"),
             Catch::Contains("heap limit of 48 MB"));
  // ArrayBuffers count against the same limit
  CHECK_THAT(db.error("SELECT mapreduce(1, 'function () { var a = []; for (;;) a.push(new Uint8Array(1 << 20)); }')"),
             Catch::Contains("Array buffer allocation failed"));
  CHECK(db.one("SELECT answer()") == "42");  // recompiled in the new isolate
  CHECK(db.one("SELECT mapreduce(1, 'function () { emit(1, 2); }', '_sum')") == R"({"1":2})");
  CHECK_THAT(db.error("SELECT js_config('heap_mb', 1)"), Catch::Contains("between 16 and"));
  CHECK_THAT(db.error("SELECT js_config('nope')"), Catch::Contains("unknown setting 'nope'"));
}

TEST_CASE("JavaScript errors become SQL errors with the message and line", "[js][safety]") {
  Db db;
  CHECK(db.error("SELECT mapreduce(1, 'function (d) {\n  var x = 1;\n  emit(d, nosuch);\n}')") ==
        "xtractr: JavaScript error in map function, line 3: ReferenceError: nosuch is not defined");
  CHECK_THAT(
      db.error(
          "SELECT mapreduce(1, 'function (d) { emit(d, 1); }', 'function (k, v) {\n throw new TypeError(\"bad\"); }')"),
      Catch::Contains("reduce function, line 2: TypeError: bad"));
  CHECK_THAT(db.error("SELECT js_create_function('broken', 'function (')"), Catch::Contains("SyntaxError"));
  CHECK_THAT(db.error("SELECT js_create_function('notfn', '42')"),
             Catch::Contains("must be a JavaScript function expression"));
  CHECK_THAT(db.error("SELECT js_create_function('no way', 'function () {}')"),
             Catch::Contains("not a valid function name"));
  CHECK_THAT(db.error("SELECT mapreduce(1, 'function () { throw \"plain\"; }')"), Catch::Contains(": plain"));
  CHECK(db.one("SELECT mapreduce(1, 'function (d) { emit(d, 1); }', '_count')") == R"({"1":1})");
}

TEST_CASE("JavaScript values map to SQL values", "[js][values]") {
  Db db;
  db.one("SELECT js_create_function('js', 'function (src) { return (0, eval)(src); }')");
  db.one("SELECT js_create_function('echo', 'function (x) { return typeof x + \":\" + String(x); }')");
  CHECK(db.one("SELECT js('2**53 - 1')") == "9007199254740991");
  CHECK(db.type("SELECT js('2**53 - 1')") == "integer");
  CHECK(db.type("SELECT js('2**53')") == "real");  // no longer an exact integer
  CHECK(db.type("SELECT js('1.5')") == "real");
  CHECK(db.one("SELECT js('-(2n**63n)')") == "-9223372036854775808");
  CHECK(db.type("SELECT js('123n')") == "integer");
  CHECK_THAT(db.error("SELECT js('2n**64n')"), Catch::Contains("BigInt outside the 64-bit integer range"));
  CHECK(db.one("SELECT js('true')") == "1");
  CHECK(db.type("SELECT js('null')") == "null");
  CHECK(db.type("SELECT js('undefined')") == "null");
  CHECK(db.one("SELECT js('({a: [1, 2], b: \"x\"})')") == R"({"a":[1,2],"b":"x"})");
  CHECK(db.one("SELECT json_extract(js('[1, {\"c\": 2}]'), '$[1].c')") == "2");
  CHECK(db.one("SELECT hex(js('new Uint8Array([1, 2, 255])'))") == "0102FF");
  CHECK(db.one("SELECT js('\"h\\u00e9llo\"')") == "h\xc3\xa9llo");
  // SQL to JavaScript
  CHECK(db.one("SELECT echo(42)") == "number:42");
  CHECK(db.one("SELECT echo(9007199254740993)") == "bigint:9007199254740993");
  CHECK(db.one("SELECT echo(1.5)") == "number:1.5");
  CHECK(db.one("SELECT echo(NULL)") == "object:null");
  CHECK(db.one("SELECT echo(x'0102')") == "object:1,2");
  CHECK(db.one("SELECT echo('h\xc3\xa9')") == "string:h\xc3\xa9");
}

TEST_CASE("js_create_function and js_create_aggregate", "[js]") {
  Db db;
  std::string c = capture("http_dns_wikipedia_browse__zeek.pcap");
  CHECK(db.one("SELECT js_create_function('tld', 'function (h) { return h.split(\".\").slice(-2).join(\".\"); }')") ==
        "tld");
  CHECK(db.one("SELECT tld('www.upload.wikimedia.org')") == "wikimedia.org");
  db.one("SELECT js_create_function('up', 'function (h) { return h === null ? null : h.toUpperCase(); }')");
  auto hosts = db.rows("SELECT up(field(doc, 'http.host')), count(*) FROM packets(?1) GROUP BY 1 ORDER BY 1", {c});
  CHECK(hosts ==
        db.rows("SELECT upper(field(doc, 'http.host')), count(*) FROM packets(?1) GROUP BY 1 ORDER BY 1", {c}));
  CHECK(hosts.size() > 2);
  // a second js_create_function of a name replaces its source (even inside one statement)
  CHECK(db.rows("SELECT js_create_function('TLD', 'function (h) { return \"v2:\" + h; }'), tld('a')") ==
        std::vector<reports_test::Row>{{"TLD", "v2:a"}});
  CHECK_THAT(db.error("SELECT js_create_aggregate('tld', 'function () {}', 'function () {}')"),
             Catch::Contains("already a JavaScript scalar function"));

  db.one(
      "SELECT js_create_aggregate('longest', 'function (s, x) { return s === undefined || x.length > s.length ? x : s; "
      "}',"
      " 'function (s) { return s === undefined ? null : s; }')");
  CHECK(db.one("SELECT longest(title) FROM packets(?1)", {c}) ==
        db.one("SELECT title FROM packets(?1) ORDER BY length(title) DESC, id LIMIT 1", {c}));
  CHECK(db.one("SELECT longest(title) FROM packets(?1) WHERE 0", {c}) == "NULL");
  CHECK(
      db.rows("SELECT service, longest(title) FROM flows(?1) GROUP BY 1 ORDER BY 1", {c}) ==
      db.rows("SELECT service, (SELECT title FROM flows(?1) g WHERE g.service = f.service ORDER BY length(title) DESC,"
              " id LIMIT 1) FROM flows(?1) f GROUP BY 1 ORDER BY 1",
              {c}));
  db.one(
      "SELECT js_create_aggregate('weighted', 'function (s, a, b) { return (s || 0) + a * b; }', 'function (s) { "
      "return "
      "s; }')");
  CHECK(db.one("SELECT weighted(packets, 2) FROM flows(?1)", {c}) ==
        db.one("SELECT sum(packets * 2) FROM flows(?1)", {c}));
  CHECK(db.type("SELECT weighted(1, 'x')") == "null");  // NaN has no SQL value
}
