/*
** js_loader.cc — JavaScript from SQL as xtractr.so registers it: mapreduce(), js_config(),
** js_create_function(), js_create_aggregate(), xtractr_chart(), xtractr_mapreduce(), xtractr_report(); V8
** itself (xtractr-v8.so) is loaded on the first call.
**
** Usage:
**
**   SELECT mapreduce(doc, 'function (f) { emit(f.service, f.bytes); }', '_sum') FROM flows('day1.pcapng');
**   SELECT * FROM xtractr_report('day1.pcapng', 'dns.qry.name:* > count(''dns.qry.name'')');
**   SELECT js_create_function('tld', 'function (h) { return h.split(".").slice(-2).join("."); }');
**
** How it works: every function and table of the list below forwards to xtractr-v8.so's module
** (js_module.h), opened once per process, on the first JavaScript call of any connection,
** from the folder xtractr.so was loaded from (core/library_folder.h), with RTLD_LOCAL | RTLD_DEEPBIND so
** that libnode binds to its own dependencies, never to a Node host's same-named symbols.
** Keeping libnode out of xtractr.so's own link is what lets Node load xtractr at all. Each
** connection owns one XtractrJsConnection, shared by its functions and tables and freed with
** the last of them when the connection closes; the runtime in it is made by xtractr-v8.so.
** When the runtime cannot be loaded, each JavaScript call is an SQL error saying why; every
** other function works without it.
*/
#include <dlfcn.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/debug_log.h"
#include "core/library_folder.h"
#include "core/sql_error.h"
#include "core/table_function.h"
#include "udf/js_module.h"
#include "udf/udf.h"

namespace xtractr {

namespace {

// ---- the runtime library ----

// How the runtime reads docrefs: the extension's reader (index/doc_ref.h), set before any call.
const XtractrDocReader *js_doc_reader = nullptr;

// xtractr-v8.so beside the library this code is linked into (xtractr.so), symlinks resolved.
std::string runtime_path() {
  std::string folder = library_folder(reinterpret_cast<const void *>(&runtime_path));
  return folder.empty() ? XTRACTR_JS_LIBRARY : folder + "/" XTRACTR_JS_LIBRARY;
}

// AddressSanitizer refuses RTLD_DEEPBIND (libnode would call the C library's malloc, not the
// sanitizer's); sanitized builds run in the sqlite3 shell and Python, not in a Node host.
#ifdef XTRACTR_SANITIZED
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif

// xtractr-v8.so's module, loaded on first use (once per process; never unloaded: V8 cannot
// be initialised twice). Throws a UserError saying why when it cannot be loaded.
const XtractrJsModule &js_module() {
  static std::atomic<const XtractrJsModule *> loaded{nullptr};
  static std::mutex mutex;
  if (const XtractrJsModule *module = loaded.load(std::memory_order_acquire)) return *module;
  std::lock_guard<std::mutex> lock(mutex);
  if (const XtractrJsModule *module = loaded.load(std::memory_order_acquire)) return *module;
  const std::string path = runtime_path();
  DebugPhase phase("V8 load", path);
  void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | kDeepBind | RTLD_NODELETE);
  if (!library) throw UserError(std::string("JavaScript is unavailable: ") + dlerror());
  auto entry = reinterpret_cast<XtractrJsEntry>(dlsym(library, XTRACTR_JS_ENTRY));
  const XtractrJsModule *module = entry ? entry(sqlite3_api, XTRACTR_JS_ABI, js_doc_reader) : nullptr;
  if (!module) throw UserError("JavaScript is unavailable: " + path + " is not the runtime of this xtractr.so");
  loaded.store(module, std::memory_order_release);
  return *module;
}

// ---- a connection's JavaScript state ----

struct JsConnection {
  XtractrJsConnection c;
  explicit JsConnection(sqlite3 *db) : c{db, nullptr, nullptr} {}
  JsConnection(const JsConnection &) = delete;
  JsConnection &operator=(const JsConnection &) = delete;
  ~JsConnection() {
    if (c.runtime && c.free_runtime) c.free_runtime(c.runtime);
  }
};
using JsConnectionRef = std::shared_ptr<JsConnection>;

XtractrJsConnection *connection_of(sqlite3_context *ctx) {
  return &(*static_cast<JsConnectionRef *>(sqlite3_user_data(ctx)))->c;
}

void destroy_connection_ref(void *p) { delete static_cast<JsConnectionRef *>(p); }

// ---- the functions ----

template <XtractrJsScalar XtractrJsModule::*Function>
void forward(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  guard_function(ctx, [&] { (js_module().*Function)(connection_of(ctx), ctx, argc, argv); });
}

void forward_mapreduce_final(sqlite3_context *ctx) {
  guard_function(ctx, [&] { js_module().mapreduce_final(connection_of(ctx), ctx); });
}

const FunctionSpec kJsFunctions[] = {
    {"js_config",
     1,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     forward<&XtractrJsModule::js_config>,
     nullptr,
     nullptr,
     {"js_config(name [, value])", "reads or sets a JavaScript limit of the connection (timeout_ms, heap_mb)",
      "SELECT js_config('timeout_ms', 500)"}},
    {"js_config", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, forward<&XtractrJsModule::js_config>, nullptr, nullptr},
    {"js_create_function",
     2,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     forward<&XtractrJsModule::js_create_function>,
     nullptr,
     nullptr,
     {"js_create_function(name, source [, 'replace'])",
      "makes a JavaScript function an SQL function of the connection ('replace': even one hiding an SQL function)",
      "SELECT js_create_function('tld', 'function (h) { return h.split(\".\").slice(-2).join(\".\"); }')"}},
    {"js_create_function", 3, SQLITE_UTF8 | SQLITE_DIRECTONLY, forward<&XtractrJsModule::js_create_function>, nullptr,
     nullptr},
    {"js_create_aggregate",
     3,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     forward<&XtractrJsModule::js_create_aggregate>,
     nullptr,
     nullptr,
     {"js_create_aggregate(name, step, final [, 'replace'])",
      "makes two JavaScript functions an SQL aggregate of the connection ('replace': even one hiding an SQL function)",
      "SELECT js_create_aggregate('longest', 'function (s, x) { return s === undefined || x.length > s.length ? x : "
      "s; }', 'function (s) { return s === undefined ? null : s; }')"}},
    {"js_create_aggregate", 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, forward<&XtractrJsModule::js_create_aggregate>, nullptr,
     nullptr},
    {"mapreduce",
     2,
     SQLITE_UTF8,
     nullptr,
     forward<&XtractrJsModule::mapreduce_step>,
     forward_mapreduce_final,
     {"mapreduce(doc, map [, reduce])",
      "aggregate: a JavaScript map over each row's doc, then a reduce (or _sum, _count, _stats); JSON",
      "SELECT mapreduce(doc, 'function (f) { emit(f.service, f.bytes); }', '_sum') FROM "
      "flows('examples/wikipedia_browse.pcap')"}},
    {"mapreduce", 3, SQLITE_UTF8, nullptr, forward<&XtractrJsModule::mapreduce_step>, forward_mapreduce_final},
    {"xtractr_chart",
     2,
     SQLITE_UTF8,
     forward<&XtractrJsModule::chart>,
     nullptr,
     nullptr,
     {"xtractr_chart(kind, rows [, options])",
      "rows (a JSON array of objects: x, [series,] y) as a self-contained SVG chart: 'line', 'bar' or 'stacked'",
      "SELECT xtractr_chart('bar', json_group_array(json_object('service', service, 'flows', n))) FROM (SELECT "
      "service, count(*) AS n FROM flows('examples/wikipedia_browse.pcap') GROUP BY 1 ORDER BY 2 DESC)"}},
    {"xtractr_chart", 3, SQLITE_UTF8, forward<&XtractrJsModule::chart>, nullptr, nullptr},
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

// ---- the tables: xtractr_mapreduce(), xtractr_report() ----

enum Column { COL_KEY, COL_VALUE, COL_FIRST_ARGUMENT };

struct ReportTableSpec {
  TableShape shape;  // key, value, then the arguments
  int table;         // XtractrJsTable
};

// The capture is checked by the runtime: an empty one gets the same message as a missing one.
constexpr TableArgument kMapReduceArguments[] = {
    {"capture", 'c', nullptr}, {"query", 'q', nullptr}, {"map", 'm', nullptr}, {"reduce", 'r', nullptr}};
constexpr TableArgument kReportArguments[] = {{"capture", 'c', nullptr}, {"report", 'p', nullptr}};

const ReportTableSpec kMapReduceSpec = {
    {"xtractr_mapreduce",
     "CREATE TABLE x(key, value, capture HIDDEN, query HIDDEN, map HIDDEN, reduce HIDDEN)",
     COL_FIRST_ARGUMENT,
     kMapReduceArguments,
     4,
     {"xtractr_mapreduce(capture, query, map [, reduce])",
      "a JavaScript map/reduce over the packets (or flows) a query selects, as (key, value) rows",
      "SELECT key AS host, value AS bytes FROM xtractr_mapreduce('examples/wikipedia_browse.pcap', '', 'function (p) { "
      "emit(p.src, p.length); }', '_sum')"}},
    XTRACTR_JS_MAPREDUCE_TABLE};
const ReportTableSpec kReportSpec = {
    {"xtractr_report",
     "CREATE TABLE x(key, value, capture HIDDEN, report HIDDEN)",
     COL_FIRST_ARGUMENT,
     kReportArguments,
     2,
     {"xtractr_report(capture, 'QUERY > REPORT')",
      "a built-in report (count, sum, avg, minmax, count_over_time ...) over the frames a query selects",
      "SELECT * FROM xtractr_report('examples/wikipedia_browse.pcap', 'flow.service:HTTP > sum(''flow.src'', "
      "''flow.bytes'')')"}},
    XTRACTR_JS_REPORT_TABLE};

// The rows of one run, freed by the runtime that made them.
using RowsOwner = std::unique_ptr<XtractrJsRows, void (*)(XtractrJsRows *)>;

// xFilter runs the whole job in the runtime; the cursor walks its rows.
class ReportCursor : public TableCursor {
 public:
  ReportCursor(JsConnectionRef connection, const ReportTableSpec &spec)
      : connection_(std::move(connection)), spec_(spec) {}
  void filter(const TableCall &call) override {
    rows_.reset();
    row_ = count_ = 0;
    std::vector<std::optional<std::string>> texts;
    std::vector<const char *> args;
    for (int k = 0; k < spec_.shape.argument_count; ++k) texts.push_back(call.text(k));
    for (const auto &text : texts) args.push_back(text ? text->c_str() : nullptr);
    module_ = &js_module();
    int rc = SQLITE_OK;
    char *error = nullptr;
    XtractrJsRows *rows = module_->run_table(&connection_->c, spec_.table, int(args.size()), args.data(), &rc, &error);
    if (!rows) {
      std::string message = error ? error : "internal error";
      sqlite3_free(error);
      if (rc == SQLITE_NOMEM) throw std::bad_alloc();
      if (rc == SQLITE_INTERRUPT) throw Interrupted(message);
      throw UserError(message);
    }
    rows_ = RowsOwner(rows, module_->free_rows);
    count_ = module_->row_count(rows);
  }
  void next() override { ++row_; }
  bool eof() const override { return row_ >= count_; }
  void column(sqlite3_context *ctx, int column) override {
    if (column == COL_KEY || column == COL_VALUE) module_->row_result(rows_.get(), row_, column, ctx);
  }
  int64_t rowid() const override { return row_ + 1; }

 private:
  JsConnectionRef connection_;
  const ReportTableSpec &spec_;
  const XtractrJsModule *module_ = nullptr;
  RowsOwner rows_{nullptr, nullptr};
  int64_t row_ = 0, count_ = 0;
};

// One per connection and table.
class ReportFunction : public TableFunction {
 public:
  ReportFunction(JsConnectionRef connection, const ReportTableSpec &spec)
      : connection_(std::move(connection)), spec_(spec) {}
  TableShape shape() const override { return spec_.shape; }
  std::unique_ptr<TableCursor> open(sqlite3 *) const override {
    return std::make_unique<ReportCursor>(connection_, spec_);
  }
  void estimate(sqlite3_index_info *info, const std::string &plan, bool) const override {
    info->estimatedCost = plan.find('c') != std::string::npos ? 1e6 : 1e12;
    info->estimatedRows = 1000;
  }

 private:
  JsConnectionRef connection_;
  const ReportTableSpec &spec_;
};

int register_javascript(sqlite3 *db) {
  auto connection = std::make_shared<JsConnection>(db);
  for (const FunctionSpec *f = kJsFunctions; f->name; ++f) {
    int rc = sqlite3_create_function_v2(db, f->name, f->arguments, f->flags, new JsConnectionRef(connection), f->scalar,
                                        f->step, f->final, destroy_connection_ref);
    if (rc != SQLITE_OK) return rc;
  }
  for (const ReportTableSpec *spec : {&kMapReduceSpec, &kReportSpec})
    if (int rc = register_table_function(db, std::make_unique<ReportFunction>(connection, *spec)); rc != SQLITE_OK)
      return rc;
  return SQLITE_OK;
}

const FunctionSpec *const kConnectFunctions[] = {kJsFunctions, nullptr};
const TableShape *const kConnectTables[] = {&kMapReduceSpec.shape, &kReportSpec.shape, nullptr};

}  // namespace

const SqlExports udf_sql = {"udf", nullptr, nullptr, register_javascript, kConnectFunctions, kConnectTables};

std::string v8_version() {
  try {
    return js_module().v8_version();
  } catch (const UserError &) {
    return "";
  }
}

void set_js_doc_reader(const XtractrDocReader *reader) { js_doc_reader = reader; }

}  // namespace xtractr
