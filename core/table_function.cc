// table_function.cc — see table_function.h.
#include "core/table_function.h"

#include "core/interruption.h"
#include "core/sql_error.h"

namespace xtractr {

void TableCall::clear() {
  for (sqlite3_value *v : arguments_) sqlite3_value_free(v);
  arguments_.clear();
  pushdowns_.clear();
}

std::optional<std::string> TableCall::text(int k) const {
  sqlite3_value *v = argument(k);
  if (!v || sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  const unsigned char *t = sqlite3_value_text(v);
  return std::string(reinterpret_cast<const char *>(t), size_t(sqlite3_value_bytes(v)));
}

// Fills a TableCall from xFilter's plan string and values.
struct TableCallBuilder {
  static void fill(TableCall &call, const TableShape &shape, int plan_number, const char *plan, int argc,
                   sqlite3_value **argv) {
    call.clear();
    call.plan_number = plan_number;
    call.arguments_.assign(size_t(shape.argument_count), nullptr);
    for (int i = 0; i < argc && plan && plan[i]; ++i) {
      int k = argument_of(shape, plan[i]);
      if (k < 0) {
        call.pushdowns_.emplace_back(plan[i], argv[i]);
      } else if (!call.arguments_[size_t(k)]) {
        call.arguments_[size_t(k)] = sqlite3_value_dup(argv[i]);
        if (!call.arguments_[size_t(k)]) throw std::bad_alloc();
      }
    }
  }
  static int argument_of(const TableShape &shape, char code) {
    for (int k = 0; k < shape.argument_count; ++k)
      if (shape.arguments[k].code == code) return k;
    return -1;
  }
};

void TableFunction::estimate(sqlite3_index_info *info, const std::string &, bool complete) const {
  info->estimatedCost = complete ? 1e6 : 1e30;
  info->estimatedRows = 1000;
}

namespace {

struct Table {
  sqlite3_vtab base{};
  const TableFunction *function;
  TableShape shape;
  sqlite3 *db;  // the connection, for check_interrupted() below our callbacks
};

struct Cursor {
  sqlite3_vtab_cursor base{};
  std::unique_ptr<TableCursor> rows;
  TableCall call;
};

Table &table_of(sqlite3_vtab *vtab) { return *reinterpret_cast<Table *>(vtab); }
Cursor &cursor_of(sqlite3_vtab_cursor *cur) { return *reinterpret_cast<Cursor *>(cur); }

int tf_connect(sqlite3 *db, void *aux, int, const char *const *, sqlite3_vtab **out, char **error) {
  const auto *function = static_cast<const TableFunction *>(aux);
  try {
    auto table = std::make_unique<Table>();
    table->function = function;
    table->shape = function->shape();
    table->db = db;
    int rc = sqlite3_declare_vtab(db, table->shape.schema);
    if (rc != SQLITE_OK) return rc;
    if (function->innocuous()) sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    *out = &table.release()->base;
    return SQLITE_OK;
  } catch (const std::exception &e) {
    if (error) *error = sql_error_message(e.what());
    return SQLITE_ERROR;
  }
}

int tf_disconnect(sqlite3_vtab *vtab) {
  delete &table_of(vtab);
  return SQLITE_OK;
}

// Takes the arguments and the pushdowns, in constraint order (see the file comment).
int plan_arguments(const Table &t, sqlite3_index_info *info) {
  const TableShape &shape = t.shape;
  std::vector<bool> given(size_t(shape.argument_count), false), unusable(given);
  std::string plan;
  for (int i = 0; i < info->nConstraint; ++i) {
    const IndexConstraint &c = info->aConstraint[i];
    const int k = c.iColumn - shape.first_argument;
    const bool is_argument = k >= 0 && k < shape.argument_count && c.op == SQLITE_INDEX_CONSTRAINT_EQ;
    char code = 0;
    bool omit = true;
    if (is_argument && !c.usable) {
      unusable[size_t(k)] = true;
    } else if (is_argument) {
      if (given[size_t(k)]) continue;  // a second `=` on it: SQLite compares it with the echo
      given[size_t(k)] = true;
      code = shape.arguments[k].code;
    } else if (c.usable) {
      code = t.function->push_down(c, omit);
    }
    if (!code) continue;
    info->aConstraintUsage[i].argvIndex = int(plan.size()) + 1;
    info->aConstraintUsage[i].omit = omit;
    plan.push_back(code);
  }
  bool complete = true;
  for (int k = 0; k < shape.argument_count; ++k) {
    if (unusable[size_t(k)] && !given[size_t(k)]) return SQLITE_CONSTRAINT;  // bound by a later table
    if (shape.arguments[k].if_missing && !given[size_t(k)]) complete = false;
  }
  t.function->estimate(info, plan, complete);
  info->idxStr = sqlite3_mprintf("%s", plan.c_str());
  if (!info->idxStr) throw std::bad_alloc();
  info->needToFreeIdxStr = 1;
  return SQLITE_OK;
}

int tf_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  return guard_vtab(vtab, [&] { return plan_arguments(table_of(vtab), info); });
}

int tf_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  return guard_vtab(vtab, [&] {
    auto cursor = std::make_unique<Cursor>();
    cursor->rows = table_of(vtab).function->open(table_of(vtab).db);
    *out = &cursor.release()->base;
    return SQLITE_OK;
  });
}

int tf_close(sqlite3_vtab_cursor *cur) {
  delete &cursor_of(cur);
  return SQLITE_OK;
}

int tf_filter(sqlite3_vtab_cursor *cur, int plan_number, const char *plan, int argc, sqlite3_value **argv) {
  Cursor &c = cursor_of(cur);
  const Table &t = table_of(cur->pVtab);
  return guard_vtab(cur->pVtab, [&] {
    ConnectionScope scope(t.db);
    TableCallBuilder::fill(c.call, t.shape, plan_number, plan, argc, argv);
    for (int k = 0; k < t.shape.argument_count; ++k)
      if (t.shape.arguments[k].if_missing && !c.call.argument(k)) throw UserError(t.shape.arguments[k].if_missing);
    c.rows->filter(c.call);
    return SQLITE_OK;
  });
}

int tf_next(sqlite3_vtab_cursor *cur) {
  return guard_vtab(cur->pVtab, [&] {
    ConnectionScope scope(table_of(cur->pVtab).db);  // packets(): the next file's filter may check many frames
    cursor_of(cur).rows->next();
    return SQLITE_OK;
  });
}

int tf_eof(sqlite3_vtab_cursor *cur) { return cursor_of(cur).rows->eof(); }

int tf_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  Cursor &c = cursor_of(cur);
  const TableShape &shape = table_of(cur->pVtab).shape;
  return guard_vtab(cur->pVtab, [&] {
    const int k = column - shape.first_argument;
    if (k >= 0 && k < shape.argument_count) {
      if (sqlite3_value *v = c.call.argument(k)) sqlite3_result_value(ctx, v);
    } else {
      c.rows->column(ctx, column);
    }
    return SQLITE_OK;
  });
}

int tf_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  return guard_vtab(cur->pVtab, [&] {
    *rowid = cursor_of(cur).rows->rowid();
    return SQLITE_OK;
  });
}

void destroy_function(void *function) { delete static_cast<TableFunction *>(function); }

}  // namespace

const sqlite3_module table_function_module = {
    /* iVersion    */ 0,
    /* xCreate     */ nullptr,  // eponymous-only: f('x.pcap'), never CREATE VIRTUAL TABLE
    /* xConnect    */ tf_connect,
    /* xBestIndex  */ tf_best_index,
    /* xDisconnect */ tf_disconnect,
    /* xDestroy    */ nullptr,
    /* xOpen       */ tf_open,
    /* xClose      */ tf_close,
    /* xFilter     */ tf_filter,
    /* xNext       */ tf_next,
    /* xEof        */ tf_eof,
    /* xColumn     */ tf_column,
    /* xRowid      */ tf_rowid,
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

int register_table_function(sqlite3 *db, const TableFunction &function) {
  return sqlite3_create_module_v2(db, function.shape().name, &table_function_module,
                                  const_cast<TableFunction *>(&function), nullptr);
}

int register_table_function(sqlite3 *db, std::unique_ptr<TableFunction> function) {
  const char *name = function->shape().name;
  // sqlite3_create_module_v2 calls the destructor even when it fails
  return sqlite3_create_module_v2(db, name, &table_function_module, function.release(), destroy_function);
}

}  // namespace xtractr
