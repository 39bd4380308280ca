// capture_tables.cc — the cursor behind `packets` and `flows` (see capture_tables.h), a
// TableFunction (core/table_function.h) with the id/flow/time pushdowns of scan_plan.h.
//
// How it works: xFilter decodes the plan (scan_plan.h), opens the collection (indexing any
// file that has no valid index yet), and prepares, file by file, one statement over the
// index with the pushed-down id/flow/time bounds translated to that file's local numbers.
// Columns read straight from that statement; `doc` is built only when asked for. A scan whose
// rows need nothing but their id (`SELECT count(*)`, `SELECT id`, `mapreduce(docref, …)`)
// reads no statement (kPlanIdsOnly): its rows are the ids the search found, or every id of
// the range — the index numbers frames and flows 1, 2, … without gaps, so stepping a
// statement that materialises every column of every row would only cost time.
#include "extension/capture_tables.h"

#include <algorithm>
#include <iterator>
#include <memory>

#include "core/sql_error.h"
#include "extension/scan_plan.h"
#include "index/doc_builder.h"
#include "index/doc_ref.h"
#include "index/flow_frames.h"
#include "search/search_filter.h"

namespace xtractr {

namespace {

struct IndexCursor : TableCursor {
  explicit IndexCursor(const TableSpec &s) : spec(&s) {}
  void filter(const TableCall &call) override;
  void next() override;
  bool eof() const override { return eof_; }
  void column(sqlite3_context *ctx, int column) override;
  int64_t rowid() const override;
  void result_doc_ref(sqlite3_context *ctx);

  const TableSpec *spec;
  ScanArguments args;
  CaptureCollection collection;
  size_t member = 0;
  Statement rows;
  bool eof_ = true;
  DocBuilder docs;
  size_t ref_member = SIZE_MAX;  // the member whose docref slot `ref_slot` is
  DocRefSlot ref_slot = 0;
  // query/filter: the matching local ids of the current member, scanned one by one
  std::shared_ptr<const CompiledSearch> search;
  bool by_ids = false;  // the current member's rows are `ids`: a search's, or a flow's frames
  std::vector<int64_t> ids;
  size_t next_id = 0;
  bool dense = false;                   // many ids close together: one range scan that skips the others
  bool ids_only = false;                // kPlanIdsOnly: the rows are the ids, no statement
  int64_t range_id = 0, range_hi = -1;  // kPlanIdsOnly without a search: the rows are these ids
  int64_t current_id() const { return by_ids ? ids[next_id - 1] : range_id; }
  // the current row's id in its member's index
  int64_t local_id() const { return ids_only ? current_id() : sqlite3_column_int64(rows.get(), 0); }
};

// Steps to the next row whose id is one of `ids` (a search's, a flow's); false when none is left. Sparse ids are looked
// up one by one (`WHERE id = ?1`); dense ones are read by one range scan, skipping the others.
bool step_search(IndexCursor &c) {
  if (c.ids_only) {
    if (c.next_id >= c.ids.size()) return false;
    ++c.next_id;  // current_id()
    return true;
  }
  if (c.dense) {
    while (c.next_id < c.ids.size() && c.rows.step()) {
      int64_t id = c.rows.integer(0);
      while (c.next_id < c.ids.size() && c.ids[c.next_id] < id) ++c.next_id;
      if (c.next_id < c.ids.size() && c.ids[c.next_id] == id) {
        ++c.next_id;
        return true;
      }
    }
    return false;
  }
  while (c.next_id < c.ids.size()) {
    c.rows.reset();
    c.rows.bind(1, c.ids[c.next_id++]);
    if (c.args.flow) c.rows.bind(3, *c.args.flow - c.collection.members[c.member].flow_base);
    if (c.args.time_min) c.rows.bind(4, *c.args.time_min);
    if (c.args.time_max) c.rows.bind(5, *c.args.time_max);
    if (c.rows.step()) return true;
  }
  return false;
}

// [lo, hi] narrowed to the frames whose time is within the scan's time bounds, for a capture
// whose frames are in time order (summary time_sorted) but for a few listed exceptions: its
// packets table has no time index. A binary search over the ordered frames finds the range in
// ~log2(frames) row lookups (a probe that lands on an exception moves to the next ordered
// frame); exceptions within the bounds widen it. The scan re-checks every row's time.
void narrow_to_times(sqlite3 *db, const ScanArguments &args, const std::vector<int64_t> &exceptions, int64_t &lo,
                     int64_t &hi) {
  Statement time_of(db, "SELECT time FROM packets WHERE id = ?1");
  auto time_at = [&](int64_t id) {
    time_of.bind(1, id);
    const double t = time_of.step() ? time_of.real(0) : 0;
    time_of.reset();
    return t;
  };
  auto in_bounds = [&](double t) {
    return (!args.time_min || t >= *args.time_min) && (!args.time_max || t <= *args.time_max);
  };
  // the first id in [a, b) whose ordered frame's time is not `before` the bound, b when none
  auto partition = [&](int64_t a, int64_t b, auto before) {
    const int64_t end = b;
    while (a < b) {
      int64_t probe = a + (b - a) / 2;
      const int64_t mid = probe;
      while (probe < end && std::binary_search(exceptions.begin(), exceptions.end(), probe)) ++probe;
      if (probe < end && before(time_at(probe)))
        a = mid + 1;
      else
        b = mid;
    }
    return a;
  };
  const int64_t first = lo, last = hi;
  if (args.time_min) lo = partition(lo, hi + 1, [&](double t) { return t < *args.time_min; });
  if (args.time_max) hi = partition(lo, hi + 1, [&](double t) { return t <= *args.time_max; }) - 1;
  for (int64_t id : exceptions)
    if (id >= first && id <= last && in_bounds(time_at(id))) {
      lo = std::min(lo, id);
      hi = std::max(hi, id);
    }
}

// Prepares the statement for the current member, moving past members with no rows.
void start_member(IndexCursor &c) {
  c.rows = Statement();
  for (; c.member < c.collection.members.size(); ++c.member) {
    const CollectionMember &m = c.collection.members[c.member];
    const IndexSummary &summary = m.index->summary();
    const int64_t count = c.spec->rows_are_flows ? summary.flows : summary.frames;
    const int64_t base = c.spec->rows_are_flows ? m.flow_base : m.id_base;
    int64_t lo = c.args.id_min == INT64_MIN ? 1 : std::max<int64_t>(1, c.args.id_min - base);
    int64_t hi = c.args.id_max == INT64_MAX ? count : std::min<int64_t>(count, c.args.id_max - base);
    int64_t flow = c.args.flow ? *c.args.flow - m.flow_base : 0;
    if (!c.spec->rows_are_flows && summary.time_sorted && (c.args.time_min || c.args.time_max) && lo <= hi)
      narrow_to_times(m.index->db(), c.args, summary.time_exceptions, lo, hi);
    if (lo > hi || (c.args.flow && (flow < 1 || flow > summary.flows))) continue;
    if (c.ids_only && !c.search) {  // every id of [lo, hi] (kPlanIdsOnly has no flow or time bound)
      c.by_ids = false;
      c.range_id = lo;
      c.range_hi = hi;
      c.eof_ = false;
      return;
    }

    // the frames of one flow: its frame list (flow_frames.h), narrowed by a search's ids
    const bool flow_frames = c.args.flow && !c.spec->rows_are_flows;
    c.by_ids = c.search || flow_frames;
    if (c.by_ids) {
      if (flow_frames) {
        c.ids = FlowFrames(m.index->db()).of(flow);
        if (c.search) {
          std::vector<int64_t> found = search_ids(*c.search, m, false), both;
          std::set_intersection(c.ids.begin(), c.ids.end(), found.begin(), found.end(), std::back_inserter(both));
          c.ids = std::move(both);
        }
      } else {
        c.ids = search_ids(*c.search, m, c.spec->rows_are_flows);
      }
      c.ids.erase(c.ids.begin(), std::lower_bound(c.ids.begin(), c.ids.end(), lo));
      c.ids.erase(std::upper_bound(c.ids.begin(), c.ids.end(), hi), c.ids.end());
      c.next_id = 0;
      if (c.ids.empty()) continue;
      if (c.ids_only) {
        c.eof_ = !step_search(c);
        return;
      }
      c.dense = c.ids.size() * 8 >= size_t(c.ids.back() - c.ids.front() + 1);
      if (c.dense) {
        lo = c.ids.front();
        hi = c.ids.back();
      }
    }
    std::string sql = c.spec->select + (c.by_ids && !c.dense ? " WHERE id = ?1" : " WHERE id BETWEEN ?1 AND ?2");
    if (c.args.flow) sql += " AND flow = ?3";
    if (c.args.time_min) sql += " AND time >= ?4";
    if (c.args.time_max) sql += " AND time <= ?5";
    sql += " ORDER BY id";
    c.rows = Statement(m.index->db(), sql);
    if (c.by_ids && !c.dense) {
      if (step_search(c)) {
        c.eof_ = false;
        return;
      }
      continue;
    }
    c.rows.bind(1, lo);
    c.rows.bind(2, hi);
    if (c.args.flow) c.rows.bind(3, flow);
    if (c.args.time_min) c.rows.bind(4, *c.args.time_min);
    if (c.args.time_max) c.rows.bind(5, *c.args.time_max);
    if (c.by_ids ? step_search(c) : c.rows.step()) {
      c.eof_ = false;
      return;
    }
  }
  c.rows = Statement();
  c.eof_ = true;
}

void IndexCursor::filter(const TableCall &call) {
  const char *name = spec->name;
  ref_member = SIZE_MAX;
  args = scan_arguments(call);
  collection = CaptureCollection();
  member = 0;
  eof_ = true;
  if (!args.capture)
    throw UserError(std::string(name) + "(): name a capture, e.g. SELECT * FROM " + name + "('day1.pcapng')");
  search = compile_search(args.query, args.filter);  // syntax errors before any indexing
  ids_only = call.plan_number & kPlanIdsOnly;
  collection = open_collection(*args.capture);
  if (!args.empty) start_member(*this);
}

void IndexCursor::next() {
  if (by_ids ? step_search(*this) : ids_only ? ++range_id <= range_hi : rows.step()) return;
  ++member;
  start_member(*this);  // its display filter may re-check many frames
}

void IndexCursor::column(sqlite3_context *ctx, int column) {
  IndexCursor &c = *this;
  if (c.ids_only) {  // only the id and docref are read (kPlanIdsOnly); the arguments are echoed by table_function.cc
    if (column == c.spec->id_column) sqlite3_result_int64(ctx, rowid());
    if (column == c.spec->doc_ref_column) result_doc_ref(ctx);
    return;
  }
  {
    const CollectionMember &m = c.collection.members[c.member];
    const ColumnSpec &spec = c.spec->columns.at(size_t(column));
    sqlite3_stmt *row = c.rows.get();
    switch (spec.source) {
      case ColumnSource::Plain:
        sqlite3_result_value(ctx, sqlite3_column_value(row, spec.statement_column));
        break;
      case ColumnSource::PacketId:
        sqlite3_result_int64(ctx, m.id_base + sqlite3_column_int64(row, spec.statement_column));
        break;
      case ColumnSource::FlowId:  // NULL: no flow (a packet's or flow's tunnel)
        if (sqlite3_column_type(row, spec.statement_column) != SQLITE_NULL)
          sqlite3_result_int64(ctx, m.flow_base + sqlite3_column_int64(row, spec.statement_column));
        break;
      case ColumnSource::Pcap:
        sqlite3_result_text(ctx, m.index->capture().c_str(), -1, SQLITE_TRANSIENT);
        break;
      case ColumnSource::Doc: {
        std::string json = c.spec->doc(c.docs, m, row);
        sqlite3_result_text(ctx, json.data(), int(json.size()), SQLITE_TRANSIENT);
        sqlite3_result_subtype(ctx, 'J');  // JSON, for json_*() functions
        break;
      }
      case ColumnSource::DocRef:
        result_doc_ref(ctx);
        break;
      case ColumnSource::BlockText: {
        std::string_view text = c.docs.block_text(m, sqlite3_column_int64(row, 0), spec.statement_column);
        sqlite3_result_text(ctx, text.data(), int(text.size()), SQLITE_TRANSIENT);
        break;
      }
      case ColumnSource::CaptureArg:  // the arguments: echoed by table_function.cc
      case ColumnSource::QueryArg:
      case ColumnSource::FilterArg:
        break;
    }
  }
}

void IndexCursor::result_doc_ref(sqlite3_context *ctx) {
  if (ref_member != member) {
    ref_slot = doc_ref_slot(collection.members[member], spec->rows_are_flows);
    ref_member = member;
  }
  char ref[XTRACTR_DOC_REF_SIZE];
  write_doc_ref(ref_slot, local_id(), ref);
  sqlite3_result_blob(ctx, ref, sizeof ref, SQLITE_TRANSIENT);
}

int64_t IndexCursor::rowid() const {
  const CollectionMember &m = collection.members[member];
  return (spec->rows_are_flows ? m.flow_base : m.id_base) + local_id();
}

class CaptureFunction : public TableFunction {
 public:
  explicit CaptureFunction(const TableSpec &spec)
      : spec_(spec),
        missing_(std::string(spec.name) + "(): name a capture, e.g. SELECT * FROM " + spec.name + "('day1.pcapng')"),
        arguments_{{"capture", 'c', missing_.c_str()}, {"query", 'q', nullptr}, {"filter", 'f', nullptr}} {}
  TableShape shape() const override {
    return {spec_.name, spec_.schema.c_str(), spec_.capture_column, arguments_, 3, spec_.help};
  }
  std::unique_ptr<TableCursor> open(sqlite3 *) const override { return std::make_unique<IndexCursor>(spec_); }
  char push_down(const IndexConstraint &c, bool &omit) const override { return scan_pushdown(c, columns(), omit); }
  void estimate(sqlite3_index_info *info, const std::string &plan, bool complete) const override {
    scan_cost(info, plan, columns(), complete);
  }
  bool innocuous() const override { return true; }

 private:
  ScanColumns columns() const {
    return {spec_.id_column,   spec_.capture_column, spec_.query_column,  spec_.filter_column,
            spec_.flow_column, spec_.time_column,    spec_.doc_ref_column};
  }
  const TableSpec &spec_;
  std::string missing_;
  TableArgument arguments_[3];
};

}  // namespace

const TableFunction &packets_table() {
  static const CaptureFunction function(packets_spec());
  return function;
}

const TableFunction &flows_table() {
  static const CaptureFunction function(flows_spec());
  return function;
}

TableSpec make_table_spec(const char *name, const TableColumns &columns, bool rows_are_flows,
                          std::string (*doc)(DocBuilder &, const CollectionMember &, sqlite3_stmt *), SqlHelp help) {
  TableSpec spec{
      name, vtab_schema(columns), index_select_sql(columns), {}, -1, -1, -1, -1, -1, -1, -1, rows_are_flows, doc, help};
  for (size_t c = 0; c < columns.count; ++c) {
    const ColumnDef &def = columns.defs[c];
    const int stored = stored_column(columns, int(c));
    switch (def.origin) {
      case ColumnOrigin::Stored:
        spec.columns.push_back({ColumnSource::Plain, stored});
        break;
      case ColumnOrigin::PacketId:
        spec.columns.push_back({ColumnSource::PacketId, stored});
        break;
      case ColumnOrigin::FlowId:
        spec.columns.push_back({ColumnSource::FlowId, stored});
        break;
      case ColumnOrigin::Pcap:
        spec.columns.push_back({ColumnSource::Pcap, -1});
        break;
      case ColumnOrigin::BlockText:
        spec.columns.push_back({ColumnSource::BlockText, def.block_text});
        break;
      case ColumnOrigin::Internal:
        continue;  // in the doc only
    }
    const std::string column = def.name;
    const int at = int(spec.columns.size()) - 1;
    if (column == "id") spec.id_column = at;
    // the pushdowns packets has: its flow and time columns
    if (!rows_are_flows && column == "flow") spec.flow_column = at;
    if (!rows_are_flows && column == "time") spec.time_column = at;
  }
  spec.capture_column = int(spec.columns.size());
  spec.query_column = spec.capture_column + 1;
  spec.filter_column = spec.capture_column + 2;
  for (ColumnSource hidden : {ColumnSource::CaptureArg, ColumnSource::QueryArg, ColumnSource::FilterArg,
                              ColumnSource::Doc, ColumnSource::DocRef})
    spec.columns.push_back({hidden, -1});
  spec.doc_ref_column = int(spec.columns.size()) - 1;
  return spec;
}

}  // namespace xtractr
