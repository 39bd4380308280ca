// report_test.cc — xtractr_report's built-in reports and xtractr_mapreduce, each checked
// against plain SQL over the same capture in the same run.
#include <catch2/catch.hpp>

#include "reports_test_db.h"

using reports_test::capture;
using reports_test::Db;
using reports_test::Row;

namespace {
const char kCapture[] = "http_dns_wikipedia_browse__zeek.pcap";
}

TEST_CASE("count(field) counts every value, largest first", "[report]") {
  Db db;
  std::string c = capture(kCapture);
  auto ours = db.rows("SELECT key, value FROM xtractr_report(?1, 'count(''tcp.port'')')", {c});
  auto sql = db.rows(
      "SELECT j.value, count(*) n FROM packets(?1), json_each(fields(doc, 'tcp.port')) j"
      " GROUP BY 1 ORDER BY n DESC, 1",
      {c});
  CHECK(ours == sql);
  REQUIRE(ours.size() > 3);
  // values() is count(); an empty query (before '>') is everything
  CHECK(db.rows("SELECT * FROM xtractr_report(?1, ' > values(''tcp.port'')')", {c}) == ours);
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'count(''dns.qry.name'')')", {c}) ==
        db.rows("SELECT j.value, count(*) n FROM packets(?1), json_each(fields(doc, 'dns.qry.name')) j"
                " GROUP BY 1 ORDER BY n DESC, 1",
                {c}));
  CHECK(db.type("SELECT value FROM xtractr_report('" + c + "', 'count(''tcp.port'')') LIMIT 1") == "integer");
  CHECK(db.type("SELECT key FROM xtractr_report('" + c + "', 'count(''tcp.port'')') LIMIT 1") == "integer");
}

TEST_CASE("flow.* names make the documents flows", "[report]") {
  Db db;
  std::string c = capture(kCapture);
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'sum(''flow.src'', ''flow.bytes'')')", {c}) ==
        db.rows("SELECT src, sum(bytes) b FROM flows(?1) GROUP BY 1 ORDER BY b DESC, 1", {c}));
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'count(''flow.service'')')", {c}) ==
        db.rows("SELECT service, count(*) n FROM flows(?1) GROUP BY 1 ORDER BY n DESC, 1", {c}));
  // pkt.* names: packets
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'count(''pkt.service'')')", {c}) ==
        db.rows("SELECT service, count(*) n FROM packets(?1) GROUP BY 1 ORDER BY n DESC, 1", {c}));
}

TEST_CASE("avg, minmax and sum over packets", "[report]") {
  Db db;
  std::string c = capture(kCapture);
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'sum(''ip.src'', ''frame.len'')')", {c}) ==
        db.rows("SELECT j.value, sum(length) b FROM packets(?1), json_each(fields(doc, 'ip.src')) j GROUP BY 1 ORDER "
                "BY b DESC, 1",
                {c}));
  CHECK(db.rows("SELECT key, round(value, 6) FROM xtractr_report(?1, 'avg(''ip.dst'', ''pkt.length'')') ORDER BY key",
                {c}) == db.rows("SELECT j.value, round(avg(length), 6) FROM packets(?1), json_each(fields(doc, "
                                "'ip.dst')) j GROUP BY 1 ORDER BY 1",
                                {c}));
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'minmax(''ip.dst'', ''frame.len'')') ORDER BY key", {c}) ==
        db.rows("SELECT j.value, json_object('min', min(length), 'max', max(length), 'count', count(*))"
                " FROM packets(?1), json_each(fields(doc, 'ip.dst')) j GROUP BY 1 ORDER BY 1",
                {c}));
}

TEST_CASE("time series reports, in time order", "[report]") {
  Db db;
  std::string c = capture(kCapture);
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'count_over_time(10)')", {c}) ==
        db.rows("SELECT CAST(time AS INTEGER) / 10 * 10 t, count(*) FROM packets(?1) GROUP BY 1 ORDER BY 1", {c}));
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'sum_over_time(''frame.len'', 5)')", {c}) ==
        db.rows("SELECT CAST(time AS INTEGER) / 5 * 5 t, sum(length) FROM packets(?1) GROUP BY 1 ORDER BY 1", {c}));
  auto ours = db.rows(
      "SELECT t, (SELECT group_concat(key || '=' || value) FROM (SELECT * FROM json_each(v) ORDER BY key))"
      " FROM (SELECT key t, value v FROM xtractr_report(?1, 'count_x_over_time(''pkt.service'', 10)'))",
      {c});
  auto sql = db.rows(
      "SELECT t, group_concat(service || '=' || n) FROM (SELECT CAST(time AS INTEGER) / 10 * 10 t, service,"
      " count(*) n FROM packets(?1) GROUP BY 1, 2 ORDER BY 1, 2) GROUP BY t ORDER BY t",
      {c});
  CHECK(ours == sql);
  REQUIRE(ours.size() > 1);
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'count_over_time(10)')", {c}).size() ==
        db.rows("SELECT key, value FROM xtractr_report(?1, 'count_over_time(10.0)')", {c}).size());
}

TEST_CASE("xtractr_mapreduce is the table form of mapreduce()", "[report]") {
  Db db;
  std::string c = capture(kCapture);
  // flow.* names in the map source make the documents flows
  const std::string map = "function (f) { emit(f['flow.dst'], f['flow.packets']); }";
  CHECK(db.rows("SELECT key, value FROM xtractr_mapreduce(?1, '', ?2, '_sum')", {c, map}) ==
        db.rows("SELECT dst, sum(packets) n FROM flows(?1) GROUP BY 1 ORDER BY n DESC, 1", {c}));
  CHECK(db.one("SELECT json_group_object(key, value) FROM (SELECT * FROM xtractr_mapreduce(?1, '', ?2, '_sum') ORDER "
               "BY key)",
               {c, map}) == db.one("SELECT mapreduce(doc, ?2, '_sum') FROM flows(?1)", {c, map}));
  // without flow.* names the documents are packets
  CHECK(db.one("SELECT sum(value) FROM xtractr_mapreduce(?1, NULL, 'function (p) { emit(p.service, 1); }', '_count')",
               {c}) == db.one("SELECT count(*) FROM packets(?1)", {c}));
  CHECK(db.one("SELECT count(*) FROM xtractr_mapreduce(?1, '', 'function (p) { emit(p.id, 1); }')", {c}) ==
        db.one("SELECT count(*) FROM packets(?1)", {c}));
}

TEST_CASE("report errors are clear", "[report]") {
  Db db;
  std::string c = capture(kCapture);
  CHECK_THAT(db.error("SELECT * FROM xtractr_report(?1, 'median(''x'')')", {c}),
             Catch::Contains("unknown report 'median'"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_report(?1, 'count(''x''')", {c}),
             Catch::Contains("expected 'QUERY > REPORT'"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_report(?1, 'count()')", {c}), Catch::Contains("count(): name a field"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_report(?1, 'count_over_time(-5)')", {c}),
             Catch::Contains("positive number of seconds"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_report(?1)", {c}), Catch::Contains("the report is missing"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_report('/nonexistent/x.pcap', 'count(''ip.src'')')"),
             Catch::Contains("/nonexistent/x.pcap"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_mapreduce(?1, '', '')", {c}), Catch::Contains("map function is missing"));
  CHECK_THAT(db.error("SELECT * FROM xtractr_mapreduce(?1, '', 'function (d) { emit(d.nope.x, 1); }')", {c}),
             Catch::Contains("map function, line 1: TypeError"));
}

TEST_CASE("QUERY > REPORT passes the query to the search", "[report][query]") {
  Db db;
  std::string c = capture(kCapture);
  // The search issue answers queries; until it does, packets()/flows() refuse them and so do we.
  std::string probe = db.error("SELECT count(*) FROM flows(?1, 'flow.service:DNS')", {c});
  if (!probe.empty()) {
    CHECK_THAT(db.error("SELECT * FROM xtractr_report(?1, 'flow.service:DNS > count(''flow.dst'')')", {c}),
               Catch::Contains("query"));
    WARN("the query language is not available yet: " << probe);
    return;
  }
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'flow.service:DNS > count(''flow.dst'')')", {c}) ==
        db.rows("SELECT dst, count(*) n FROM flows(?1, 'flow.service:DNS') GROUP BY 1 ORDER BY n DESC, 1", {c}));
  auto big = db.rows("SELECT key, value FROM xtractr_report(?1, 'pkt.length:>500 > count(''pkt.service'')')", {c});
  CHECK(big ==
        db.rows("SELECT service, count(*) n FROM packets(?1) WHERE length > 500 GROUP BY 1 ORDER BY n DESC, 1", {c}));
  CHECK(!big.empty());
  // a query and a Wireshark field (whole docs)
  CHECK(db.rows("SELECT key, value FROM xtractr_report(?1, 'dns.flags.response:0 > count(''dns.qry.name'')')", {c}) ==
        db.rows("SELECT j.value, count(*) n FROM packets(?1), json_each(fields(doc, 'dns.qry.name')) j"
                " WHERE field(doc, 'dns.flags.response') = 0 GROUP BY 1 ORDER BY n DESC, 1",
                {c}));
}

TEST_CASE("xtractr_mapreduce reads columns first and whole docs when the map needs them", "[report]") {
  Db db;
  std::string c = capture(kCapture);
  // a column first read late (after some docs) is still counted for every doc
  CHECK(db.rows("SELECT key, value FROM xtractr_mapreduce(?1, '', 'function (p) { if (p.id > 20) emit(p.dst, 1); }', "
                "'_count')",
                {c}) ==
        db.rows("SELECT dst, count(*) n FROM packets(?1) WHERE id > 20 GROUP BY 1 ORDER BY n DESC, 1", {c}));
  // a Wireshark field first read late: the whole docs are read from the start
  CHECK(
      db.rows("SELECT key, value FROM xtractr_mapreduce(?1, '', 'function (p) { if (p.id > 30) p.values(\"tcp.port\","
              " function (x) { emit(x, 1); }); }', '_count')",
              {c}) ==
      db.rows("SELECT j.value, count(*) n FROM packets(?1), json_each(fields(doc, 'tcp.port')) j WHERE packets.id > 30"
              " GROUP BY 1 ORDER BY n DESC, 1",
              {c}));
  // even when the map swallows the error a missing column raises
  CHECK(db.rows("SELECT key, value FROM xtractr_mapreduce(?1, '', 'function (p) { var h; try { h = p[\"ip.dst\"]; } "
                "catch (e) {}"
                " if (h !== undefined) emit(h, 1); }', '_count')",
                {c}) == db.rows("SELECT field(doc, 'ip.dst') h, count(*) n FROM packets(?1) WHERE h IS NOT NULL GROUP "
                                "BY 1 ORDER BY n DESC, 1",
                                {c}));
  // whole docs: Object.keys and toJSON
  CHECK(db.one("SELECT sum(value) FROM xtractr_mapreduce(?1, '', 'function (p) { emit(Object.keys(p).length > 14, 1); "
               "}', '_count')",
               {c}) == db.one("SELECT count(*) FROM packets(?1)", {c}));
}
