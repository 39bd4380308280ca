/*
** report_tables.cc — xtractr_mapreduce() and xtractr_report(): map/reduce over a capture's
** packets or flows, as tables of (key, value) rows.
**
** Usage:
**
**   SELECT * FROM xtractr_report('day1.pcapng', 'flow.service:HTTP > sum(''flow.src'', ''flow.bytes'')');
**   SELECT * FROM xtractr_report('day1.pcapng', 'count(''dns.qry.name'')');          -- every packet
**   SELECT * FROM xtractr_report('day1.pcapng', '> count_x_over_time(''pkt.service'', 60)');
**   SELECT key AS host, value AS bytes FROM xtractr_mapreduce('day1.pcapng', '',
**     'function (p) { emit(p.src, p.length); }', '_sum') LIMIT 10;
**
** Reports: count(field) a.k.a. values(field), sum(key, value), avg(key, value),
** minmax(key, value) → {min, max, count}, count_over_time(seconds),
** count_x_over_time(field, seconds) → {x: count}, sum_over_time(field, seconds); each is a
** map/reduce pair in udf/js/reports.js, embedded at build time.
**
** How it works: the table itself is xtractr.so's (js_loader.cc); its xFilter calls
** run_report_table, which runs the whole job: it reads `SELECT <columns> FROM
** packets(capture, query)` (or flows(), when the query, the map source or the report names
** flow.* columns) through SQL on the same connection and feeds each row to the map function
** as a lazy doc object (doc_object.h) over the columns the map reads (learnt by starting
** again when it reads a new one); if the map reads anything else (a Wireshark field, the
** whole doc), the job starts again over `SELECT docref FROM ...` (core/doc_ref.h): each field
** the map reads is decoded from its column of the frame's block, no doc JSON built. The loop
** over the rows runs in JavaScript (MapReduceJob::drain; docrefs 512 at a time: drain_refs, a
** member then read for a block's docs at once). It keeps the reduced rows: sorted
** by value, largest first (time series by time). The whole run (each xFilter) is a statement
** of its own to the JavaScript runtime: a fresh context and one time budget (js_engine.h).
*/
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "udf/doc_object.h"
#include "udf/js_module.h"
#include "udf/js_runtime.h"
#include "udf/js_sql.h"
#include "udf/mapreduce_job.h"
#include "udf/report_spec.h"

namespace xtractr {

namespace {

using Rows = ReportRows;
using Arguments = ReportArguments;

// Feeds every doc of the capture (matching the query) to the job made by `make_job`. First
// from the columns alone, selecting only those the map reads: a read of a column not yet
// selected starts the job again with it (after one doc, typically); a read of anything else
// (a Wireshark field, the whole doc) starts it again over docrefs.
template <typename MakeJob>
Rows run_job(JsRuntime &runtime, const char *function, const std::string &capture, const std::string &query, bool flows,
             MakeJob &&make_job) {
  auto statement = std::make_shared<JsStatement>(runtime.engine());  // a context and budget of its own
  JsEngine *engine = &statement->engine();
  JsScope scope(*engine);
  Episode episode(*statement);
  const std::string from = std::string(" FROM ") + (flows ? "flows" : "packets") + "(?1, ?2)";
  std::vector<std::string> columns, chosen{"id"};
  {
    Statement all(runtime.db(), "SELECT *" + from, function);
    for (int i = 0; i < sqlite3_column_count(all.get()); ++i) columns.emplace_back(sqlite3_column_name(all.get(), i));
  }
  for (;;) {
    try {
      MapReduceJob job = make_job(*engine);
      std::string list;
      for (const std::string &c : chosen) list += (list.empty() ? "\"" : ", \"") + c + "\"";
      Statement rows(runtime.db(), "SELECT " + list + from, function);
      rows.bind(1, capture);
      rows.bind(2, query);
      job.drain(runtime.db(), rows.get(), &chosen);
      return job.rows();
    } catch (const NeedWholeDocs &need) {
      std::string column(column_name(need.name));
      if (column.empty() || std::find(columns.begin(), columns.end(), column) == columns.end() ||
          std::find(chosen.begin(), chosen.end(), column) != chosen.end())
        break;
      chosen.push_back(column);
    }
  }
  MapReduceJob job = make_job(*engine);
  Statement docs(runtime.db(), "SELECT docref" + from, function);
  docs.bind(1, capture);
  docs.bind(2, query);
  job.drain_refs(runtime.db(), docs.get());
  return job.rows();
}

const std::string &capture_of(const Arguments &args, const char *function) {
  if (!args[0] || args[0]->empty())
    throw UserError(std::string(function) + "(): name a capture, e.g. SELECT * FROM " + function +
                    "('day1.pcapng', ...)");
  return *args[0];
}

Rows run_mapreduce(JsRuntime &runtime, const Arguments &args) {
  const std::string &capture = capture_of(args, "xtractr_mapreduce");
  if (!args[2] || args[2]->empty())
    throw UserError("xtractr_mapreduce(capture, query, map [, reduce]): the map function is missing");
  std::string query = args[1].value_or("");
  bool flows = mentions_flow_names(query) || mentions_flow_names(*args[2]);
  return run_job(runtime, "xtractr_mapreduce", capture, query, flows,
                 [&](JsEngine &engine) { return MapReduceJob::from_source(engine, *args[2], args[3]); });
}

Rows run_report(JsRuntime &runtime, const Arguments &args) {
  const std::string &capture = capture_of(args, "xtractr_report");
  if (!args[1] || args[1]->empty())
    throw UserError(
        "xtractr_report(capture, 'QUERY > REPORT'): the report is missing, e.g. 'http.request:* > "
        "count(''http.host'')'");
  ReportSpec spec = parse_report(*args[1]);
  return run_job(runtime, "xtractr_report", capture, spec.query, spec.flows,
                 [&](JsEngine &engine) { return MapReduceJob::from_report(engine, spec.name, spec.args); });
}

}  // namespace

ReportRows run_report_table(JsRuntime &runtime, int table, const ReportArguments &args) {
  if (table == XTRACTR_JS_MAPREDUCE_TABLE && args.size() == 4) return run_mapreduce(runtime, args);
  if (table == XTRACTR_JS_REPORT_TABLE && args.size() == 2) return run_report(runtime, args);
  throw std::logic_error("run_report_table: no table " + std::to_string(table) + " of " + std::to_string(args.size()) +
                         " arguments");
}

}  // namespace xtractr
