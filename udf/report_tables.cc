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
**     'function (f) { emit(f.src, f.bytes); }', '_sum') LIMIT 10;
**
** Reports: count(field) a.k.a. values(field), sum(key, value), avg(key, value),
** minmax(key, value) → {min, max, count}, count_over_time(seconds),
** count_x_over_time(field, seconds) → {x: count}, sum_over_time(field, seconds); each is a
** map/reduce pair in udf/js/reports.js, embedded at build time.
**
** How it works: xFilter runs the whole job: it reads `SELECT <columns> FROM packets(capture,
** query)` (or flows(), when the query, the map source or the report names flow.* columns)
** through SQL on the same connection and feeds each row to the map function as a lazy doc
** object (doc_object.h) over the columns the map reads (learnt by starting again when it
** reads a new one); if the map reads anything else (a Wireshark field, the whole doc), the
** job starts again over `SELECT doc FROM ...`, the docs' JSON text. The loop over the rows
** runs in JavaScript (MapReduceJob::drain). It keeps the reduced rows: sorted by value, largest first (time series
** by time). The whole run is one episode of the connection's JavaScript time budget.
*/
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "udf/doc_object.h"
#include "udf/js_runtime.h"
#include "udf/mapreduce_job.h"
#include "udf/report_spec.h"
#include "udf/udf.h"

namespace xtractr {

namespace {

using Rows = std::vector<std::pair<SqlValue, SqlValue>>;
using Arguments = std::vector<std::optional<std::string>>;

struct ReportTableSpec {
  const char *name;
  const char *schema;  // key, value, then the hidden arguments
  int arguments;       // hidden argument columns
  Rows (*run)(JsRuntime &runtime, const Arguments &args);
};

enum Column { COL_KEY, COL_VALUE, COL_FIRST_ARGUMENT };

struct ClientData {
  std::shared_ptr<JsRuntime> runtime;
  const ReportTableSpec *spec;
};

struct ReportTable {
  sqlite3_vtab base{};
  ClientData *client;
};

struct ReportCursor {
  sqlite3_vtab_cursor base{};
  Arguments args;
  Rows rows;
  size_t row = 0;
};

// Feeds every doc of the capture (matching the query) to the job made by `make_job`. First
// from the columns alone, selecting only those the map reads: a read of a column not yet
// selected starts the job again with it (after one doc, typically); a read of anything else
// (a Wireshark field, the whole doc) starts it again over the docs' JSON.
template <typename MakeJob>
Rows run_job(JsRuntime &runtime, const char *function, const std::string &capture, const std::string &query, bool flows,
             MakeJob &&make_job) {
  std::shared_ptr<JsEngine> engine = runtime.engine();
  JsScope scope(*engine);
  Episode episode(*engine);
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
  Statement docs(runtime.db(), "SELECT doc" + from, function);
  docs.bind(1, capture);
  docs.bind(2, query);
  job.drain(runtime.db(), docs.get(), nullptr);
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

const ReportTableSpec kMapReduceSpec = {
    "xtractr_mapreduce", "CREATE TABLE x(key, value, capture HIDDEN, query HIDDEN, map HIDDEN, reduce HIDDEN)", 4,
    run_mapreduce};
const ReportTableSpec kReportSpec = {"xtractr_report", "CREATE TABLE x(key, value, capture HIDDEN, report HIDDEN)", 2,
                                     run_report};

ClientData &client_of(sqlite3_vtab *vtab) { return *reinterpret_cast<ReportTable *>(vtab)->client; }

int table_connect(sqlite3 *db, void *aux, int, const char *const *, sqlite3_vtab **out, char **) {
  auto *client = static_cast<ClientData *>(aux);
  int rc = sqlite3_declare_vtab(db, client->spec->schema);
  if (rc != SQLITE_OK) return rc;
  auto *table = new (std::nothrow) ReportTable();
  if (!table) return SQLITE_NOMEM;
  table->client = client;
  *out = &table->base;
  return SQLITE_OK;
}

int table_disconnect(sqlite3_vtab *vtab) {
  delete reinterpret_cast<ReportTable *>(vtab);
  return SQLITE_OK;
}

// Every hidden argument given by equality is passed to xFilter; idxNum has a bit per argument.
int table_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  const ReportTableSpec &spec = *client_of(vtab).spec;
  int slot[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto &c = info->aConstraint[i];
    int arg = c.iColumn - COL_FIRST_ARGUMENT;
    if (arg < 0 || arg >= spec.arguments || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (!c.usable) return SQLITE_CONSTRAINT;
    slot[arg] = i;
  }
  int next = 1, mask = 0;
  for (int arg = 0; arg < spec.arguments; ++arg) {
    if (slot[arg] < 0) continue;
    info->aConstraintUsage[slot[arg]].argvIndex = next++;
    info->aConstraintUsage[slot[arg]].omit = 1;
    mask |= 1 << arg;
  }
  info->idxNum = mask;
  info->estimatedCost = (mask & 1) ? 1e6 : 1e12;
  info->estimatedRows = 1000;
  return SQLITE_OK;
}

int table_open(sqlite3_vtab *, sqlite3_vtab_cursor **out) {
  auto *cursor = new (std::nothrow) ReportCursor();
  if (!cursor) return SQLITE_NOMEM;
  *out = &cursor->base;
  return SQLITE_OK;
}

int table_close(sqlite3_vtab_cursor *cur) {
  delete reinterpret_cast<ReportCursor *>(cur);
  return SQLITE_OK;
}

int table_filter(sqlite3_vtab_cursor *cur, int mask, const char *, int argc, sqlite3_value **argv) {
  auto &c = *reinterpret_cast<ReportCursor *>(cur);
  ClientData &client = client_of(cur->pVtab);
  return guard_vtab(cur->pVtab, [&] {
    c.rows.clear();
    c.row = 0;
    c.args.assign(size_t(client.spec->arguments), std::nullopt);
    int next = 0;
    for (int arg = 0; arg < client.spec->arguments; ++arg) {
      if (!(mask & (1 << arg)) || next >= argc) continue;
      sqlite3_value *v = argv[next++];
      if (sqlite3_value_type(v) == SQLITE_NULL) continue;
      const char *text = reinterpret_cast<const char *>(sqlite3_value_text(v));
      c.args[size_t(arg)] = std::string(text ? text : "", size_t(sqlite3_value_bytes(v)));
    }
    c.rows = client.spec->run(*client.runtime, c.args);
    return SQLITE_OK;
  });
}

int table_next(sqlite3_vtab_cursor *cur) {
  ++reinterpret_cast<ReportCursor *>(cur)->row;
  return SQLITE_OK;
}

int table_eof(sqlite3_vtab_cursor *cur) {
  auto &c = *reinterpret_cast<ReportCursor *>(cur);
  return c.row >= c.rows.size();
}

int table_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  auto &c = *reinterpret_cast<ReportCursor *>(cur);
  if (column == COL_KEY)
    c.rows[c.row].first.result(ctx);
  else if (column == COL_VALUE)
    c.rows[c.row].second.result(ctx);
  else {
    const auto &arg = c.args[size_t(column - COL_FIRST_ARGUMENT)];
    if (arg) sqlite3_result_text(ctx, arg->data(), int(arg->size()), SQLITE_TRANSIENT);
  }
  return SQLITE_OK;
}

int table_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = sqlite3_int64(reinterpret_cast<ReportCursor *>(cur)->row + 1);
  return SQLITE_OK;
}

const sqlite3_module kReportModule = {
    /* iVersion    */ 0,
    /* xCreate     */ nullptr,  // eponymous-only
    /* xConnect    */ table_connect,
    /* xBestIndex  */ table_best_index,
    /* xDisconnect */ table_disconnect,
    /* xDestroy    */ nullptr,
    /* xOpen       */ table_open,
    /* xClose      */ table_close,
    /* xFilter     */ table_filter,
    /* xNext       */ table_next,
    /* xEof        */ table_eof,
    /* xColumn     */ table_column,
    /* xRowid      */ table_rowid,
    /* xUpdate     */ nullptr,
    /* xBegin      */ nullptr,
    /* xSync       */ nullptr,
    /* xCommit     */ nullptr,
    /* xRollback   */ nullptr,
    /* xFindMethod */ nullptr,
    /* xRename     */ nullptr,
    /* xSavepoint  */ nullptr,
    /* xRelease    */ nullptr,
    /* xRollbackTo */ nullptr,
    /* xShadowName */ nullptr,
};

void destroy_client(void *p) { delete static_cast<ClientData *>(p); }

}  // namespace

int register_report_tables(sqlite3 *db, const std::shared_ptr<JsRuntime> &runtime) {
  for (const ReportTableSpec *spec : {&kMapReduceSpec, &kReportSpec}) {
    int rc = sqlite3_create_module_v2(db, spec->name, &kReportModule, new ClientData{runtime, spec}, destroy_client);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace xtractr
