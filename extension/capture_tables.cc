// index_table.cc — the sqlite3_module methods behind `packets` and `flows` (see index_table.h).
//
// How it works: xFilter decodes the plan (scan_plan.h), opens the collection (indexing any
// file that has no valid index yet), and prepares, file by file, one statement over the
// index with the pushed-down id/flow/time bounds translated to that file's local numbers.
// Columns read straight from that statement; `doc` is built only when asked for.
#include "extension/capture_tables.h"

#include <algorithm>
#include <memory>

#include "core/interruption.h"
#include "core/sql_error.h"
#include "extension/scan_plan.h"
#include "index/doc_builder.h"
#include "search/search_filter.h"

namespace xtractr {

namespace {

struct IndexTable {
  sqlite3_vtab base{};
  const TableSpec *spec;
  sqlite3 *db;  // for check_interrupted() during an index build
};

struct IndexCursor {
  sqlite3_vtab_cursor base{};
  const TableSpec *spec;
  ScanArguments args;
  CaptureCollection collection;
  size_t member = 0;
  Statement rows;
  bool eof = true;
  DocBuilder docs;
  // query/filter: the matching local ids of the current member, scanned one by one
  std::shared_ptr<const CompiledSearch> search;
  std::vector<int64_t> ids;
  size_t next_id = 0;
  bool dense = false;  // many ids close together: one range scan that skips the others
};

// Steps to the next row whose id is a search id; false when none is left. Sparse ids are looked
// up one by one (`WHERE id = ?1`); dense ones are read by one range scan, skipping the others.
bool step_search(IndexCursor &c) {
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

const TableSpec &spec_of(sqlite3_vtab *vtab) { return *reinterpret_cast<IndexTable *>(vtab)->spec; }

int table_connect(sqlite3 *db, void *aux, int, const char *const *, sqlite3_vtab **out, char **) {
  const auto *spec = static_cast<const TableSpec *>(aux);
  int rc = sqlite3_declare_vtab(db, spec->schema);
  if (rc != SQLITE_OK) return rc;
  auto *table = new (std::nothrow) IndexTable();
  if (!table) return SQLITE_NOMEM;
  table->spec = spec;
  table->db = db;
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  *out = &table->base;
  return SQLITE_OK;
}

int table_disconnect(sqlite3_vtab *vtab) {
  delete reinterpret_cast<IndexTable *>(vtab);
  return SQLITE_OK;
}

int table_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  const TableSpec &s = spec_of(vtab);
  return plan_scan(
      info, ScanColumns{s.id_column, s.capture_column, s.query_column, s.filter_column, s.flow_column, s.time_column});
}

int table_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  auto *cursor = new (std::nothrow) IndexCursor();
  if (!cursor) return SQLITE_NOMEM;
  cursor->spec = &spec_of(vtab);
  *out = &cursor->base;
  return SQLITE_OK;
}

int table_close(sqlite3_vtab_cursor *cur) {
  delete reinterpret_cast<IndexCursor *>(cur);
  return SQLITE_OK;
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
    if (lo > hi || (c.args.flow && (flow < 1 || flow > summary.flows))) continue;

    if (c.search) {
      c.ids = search_ids(*c.search, m, c.spec->rows_are_flows);
      c.ids.erase(c.ids.begin(), std::lower_bound(c.ids.begin(), c.ids.end(), lo));
      c.ids.erase(std::upper_bound(c.ids.begin(), c.ids.end(), hi), c.ids.end());
      c.next_id = 0;
      if (c.ids.empty()) continue;
      c.dense = c.ids.size() * 8 >= size_t(c.ids.back() - c.ids.front() + 1);
      if (c.dense) {
        lo = c.ids.front();
        hi = c.ids.back();
      }
    }
    std::string sql =
        std::string(c.spec->select) + (c.search && !c.dense ? " WHERE id = ?1" : " WHERE id BETWEEN ?1 AND ?2");
    if (c.args.flow) sql += " AND flow = ?3";
    if (c.args.time_min) sql += " AND time >= ?4";
    if (c.args.time_max) sql += " AND time <= ?5";
    sql += " ORDER BY id";
    c.rows = Statement(m.index->db(), sql);
    if (c.search && !c.dense) {
      if (step_search(c)) {
        c.eof = false;
        return;
      }
      continue;
    }
    c.rows.bind(1, lo);
    c.rows.bind(2, hi);
    if (c.args.flow) c.rows.bind(3, flow);
    if (c.args.time_min) c.rows.bind(4, *c.args.time_min);
    if (c.args.time_max) c.rows.bind(5, *c.args.time_max);
    if (c.search ? step_search(c) : c.rows.step()) {
      c.eof = false;
      return;
    }
  }
  c.rows = Statement();
  c.eof = true;
}

int table_filter(sqlite3_vtab_cursor *cur, int, const char *idx_str, int argc, sqlite3_value **argv) {
  auto &c = *reinterpret_cast<IndexCursor *>(cur);
  return guard_vtab(cur->pVtab, [&] {
    const char *name = c.spec->name;
    c.args = decode_scan(idx_str, argc, argv);
    c.collection = CaptureCollection();
    c.member = 0;
    c.eof = true;
    if (!c.args.capture)
      throw UserError(std::string(name) + "(): name a capture, e.g. SELECT * FROM " + name + "('day1.pcapng')");
    c.search = compile_search(c.args.query, c.args.filter);  // syntax errors before any indexing
    ConnectionScope scope(reinterpret_cast<IndexTable *>(cur->pVtab)->db);
    c.collection = open_collection(*c.args.capture);
    if (!c.args.empty) start_member(c);
    return SQLITE_OK;
  });
}

int table_next(sqlite3_vtab_cursor *cur) {
  auto &c = *reinterpret_cast<IndexCursor *>(cur);
  return guard_vtab(cur->pVtab, [&] {
    if (c.search ? step_search(c) : c.rows.step()) return SQLITE_OK;
    ++c.member;
    ConnectionScope scope(
        reinterpret_cast<IndexTable *>(cur->pVtab)->db);  // its display filter may re-check many frames
    start_member(c);
    return SQLITE_OK;
  });
}

int table_eof(sqlite3_vtab_cursor *cur) { return reinterpret_cast<IndexCursor *>(cur)->eof; }

void result_optional_text(sqlite3_context *ctx, const std::optional<std::string> &text) {
  if (text) sqlite3_result_text(ctx, text->data(), int(text->size()), SQLITE_TRANSIENT);
}

int table_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  auto &c = *reinterpret_cast<IndexCursor *>(cur);
  return guard_vtab(cur->pVtab, [&] {
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
      case ColumnSource::FlowId:
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
      case ColumnSource::BlockText: {
        std::string_view text = c.docs.block_text(m, sqlite3_column_int64(row, 0), spec.statement_column);
        sqlite3_result_text(ctx, text.data(), int(text.size()), SQLITE_TRANSIENT);
        break;
      }
      case ColumnSource::CaptureArg:
        result_optional_text(ctx, c.args.capture);
        break;
      case ColumnSource::QueryArg:
        result_optional_text(ctx, c.args.query);
        break;
      case ColumnSource::FilterArg:
        result_optional_text(ctx, c.args.filter);
        break;
    }
    return SQLITE_OK;
  });
}

int table_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  auto &c = *reinterpret_cast<IndexCursor *>(cur);
  const CollectionMember &m = c.collection.members[c.member];
  *rowid = (c.spec->rows_are_flows ? m.flow_base : m.id_base) + sqlite3_column_int64(c.rows.get(), 0);
  return SQLITE_OK;
}

}  // namespace

const sqlite3_module index_table_module = {
    /* iVersion    */ 0,
    /* xCreate     */ nullptr,  // eponymous-only: packets('x.pcap'), never CREATE VIRTUAL TABLE
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

}  // namespace xtractr
