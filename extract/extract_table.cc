// extract_table.cc — see extract_table.h.
#include "extract/extract_table.h"

#include <new>

#include "core/interruption.h"
#include "core/sql_error.h"

namespace xtractr {

namespace {

struct ExtractTable {
  sqlite3_vtab base{};
  const ExtractTableSpec *spec;
  sqlite3 *db;
};

struct ExtractCursor {
  sqlite3_vtab_cursor base{};
  std::vector<ExtractRow> rows;
  std::vector<sqlite3_value *> args;  // copies, for the hidden columns
  size_t row = 0;
  ~ExtractCursor() {
    for (sqlite3_value *v : args) sqlite3_value_free(v);
  }
};

const ExtractTableSpec &spec_of(sqlite3_vtab *vtab) { return *reinterpret_cast<ExtractTable *>(vtab)->spec; }

int extract_connect(sqlite3 *db, void *aux, int, const char *const *, sqlite3_vtab **out, char **) {
  const auto *spec = static_cast<const ExtractTableSpec *>(aux);
  int rc = sqlite3_declare_vtab(db, spec->schema);
  if (rc != SQLITE_OK) return rc;
  auto *table = new (std::nothrow) ExtractTable();
  if (!table) return SQLITE_NOMEM;
  table->spec = spec;
  table->db = db;
  *out = &table->base;
  return SQLITE_OK;
}

int extract_disconnect(sqlite3_vtab *vtab) {
  delete reinterpret_cast<ExtractTable *>(vtab);
  return SQLITE_OK;
}

// idxNum: bit k set when argument k is given; its value comes as argv in argument order.
int extract_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  const ExtractTableSpec &spec = spec_of(vtab);
  int given[16];
  for (int k = 0; k < spec.arguments; ++k) given[k] = -1;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto &c = info->aConstraint[i];
    int k = c.iColumn - spec.columns;
    if (k < 0 || k >= spec.arguments) continue;
    if (!c.usable) return SQLITE_CONSTRAINT;  // an argument bound to a later table: try another order
    if (c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    given[k] = i;
  }
  int mask = 0, next = 1;
  for (int k = 0; k < spec.arguments; ++k) {
    if (given[k] < 0) continue;
    mask |= 1 << k;
    info->aConstraintUsage[given[k]].argvIndex = next++;
    info->aConstraintUsage[given[k]].omit = 1;
  }
  info->idxNum = mask;
  info->estimatedCost = 1e6;
  info->estimatedRows = 1000;
  return SQLITE_OK;
}

int extract_open(sqlite3_vtab *, sqlite3_vtab_cursor **out) {
  auto *cursor = new (std::nothrow) ExtractCursor();
  if (!cursor) return SQLITE_NOMEM;
  *out = &cursor->base;
  return SQLITE_OK;
}

int extract_close(sqlite3_vtab_cursor *cur) {
  delete reinterpret_cast<ExtractCursor *>(cur);
  return SQLITE_OK;
}

int extract_filter(sqlite3_vtab_cursor *cur, int mask, const char *, int argc, sqlite3_value **argv) {
  auto *c = reinterpret_cast<ExtractCursor *>(cur);
  sqlite3_vtab *vtab = cur->pVtab;
  return guard_vtab(vtab, [&] {
    const ExtractTableSpec &spec = spec_of(vtab);
    c->rows.clear();
    c->row = 0;
    for (sqlite3_value *v : c->args) sqlite3_value_free(v);
    c->args.assign(size_t(spec.arguments), nullptr);
    int next = 0;
    for (int k = 0; k < spec.arguments && next < argc; ++k)
      if (mask & (1 << k)) c->args[size_t(k)] = sqlite3_value_dup(argv[next++]);
    for (int k = 0; k < spec.required_arguments; ++k)
      if (!c->args[size_t(k)])
        throw UserError(std::string(spec.name) + "(): missing argument " + std::to_string(k + 1) +
                        " (usage: SELECT * FROM " + spec.name + "('capture.pcapng', ...))");
    sqlite3 *db = reinterpret_cast<ExtractTable *>(vtab)->db;
    ConnectionScope scope(db);
    spec.produce(db, c->args.data(), c->rows);
    return SQLITE_OK;
  });
}

int extract_next(sqlite3_vtab_cursor *cur) {
  ++reinterpret_cast<ExtractCursor *>(cur)->row;
  return SQLITE_OK;
}

int extract_eof(sqlite3_vtab_cursor *cur) {
  auto *c = reinterpret_cast<ExtractCursor *>(cur);
  return c->row >= c->rows.size();
}

int extract_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  auto *c = reinterpret_cast<ExtractCursor *>(cur);
  const ExtractTableSpec &spec = spec_of(cur->pVtab);
  if (column >= spec.columns) {
    sqlite3_value *v = c->args[size_t(column - spec.columns)];
    if (v) sqlite3_result_value(ctx, v);
    return SQLITE_OK;
  }
  const ExtractRow &row = c->rows[c->row];
  if (size_t(column) >= row.size()) return SQLITE_OK;
  const ExtractValue &v = row[size_t(column)];
  switch (v.kind) {
    case ExtractValue::Null:
      break;
    case ExtractValue::Integer:
      sqlite3_result_int64(ctx, v.integer);
      break;
    case ExtractValue::Real:
      sqlite3_result_double(ctx, v.real);
      break;
    case ExtractValue::Text:
      sqlite3_result_text(ctx, v.bytes.data(), int(v.bytes.size()), SQLITE_TRANSIENT);
      break;
    case ExtractValue::Blob:
      sqlite3_result_blob(ctx, v.bytes.data(), int(v.bytes.size()), SQLITE_TRANSIENT);
      break;
  }
  return SQLITE_OK;
}

int extract_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = sqlite3_int64(reinterpret_cast<ExtractCursor *>(cur)->row + 1);
  return SQLITE_OK;
}

}  // namespace

const sqlite3_module extract_table_module = {
    /* iVersion */ 0,
    /* xCreate */ nullptr,  // eponymous-only
    extract_connect,
    extract_best_index,
    extract_disconnect,
    /* xDestroy */ nullptr,
    extract_open,
    extract_close,
    extract_filter,
    extract_next,
    extract_eof,
    extract_column,
    extract_rowid,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

}  // namespace xtractr
