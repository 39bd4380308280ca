/*
** help_table.cc — xtractr_help: every table and function xtractr adds to SQL, with its call,
** one line of what it does and an example — where to start.
**
** Usage:
**
**   SELECT name, usage, description FROM xtractr_help;
**   SELECT example FROM xtractr_help WHERE name = 'xtractr_terms';
**   SELECT name FROM xtractr_help WHERE kind = 'aggregate';
**
** Columns: name, kind ('table', 'function' or 'aggregate'), usage, description, example,
** library (the folder that implements it: extension, search, extract, udf).
**
** How it works: the rows come from the extension's one registration list (all_exports,
** xtractr.cc): each FunctionSpec and TableShape carries its SqlHelp (core/table_function.h),
** so a table or function cannot be registered without being listed here (tests/sql/help.sql
** compares this table with what the connection has). A name registered with several
** arities is one row, described by its first entry.
*/
#include <algorithm>
#include <string>
#include <vector>

#include "core/table_function.h"
#include "extension/extension_sql.h"

namespace xtractr {

namespace {

struct HelpRow {
  std::string name, kind, usage, description, example, library;
};

const char kSchema[] = "CREATE TABLE x(name TEXT, kind TEXT, usage TEXT, description TEXT, example TEXT, library TEXT)";

std::string text(const char *s) { return s ? s : ""; }

HelpRow row_of(const char *name, const char *kind, const SqlHelp &help, const char *library) {
  return HelpRow{name, kind, text(help.usage), text(help.summary), text(help.example), library};
}

void add_functions(std::vector<HelpRow> &rows, const FunctionSpec *const *groups, const char *library) {
  for (const FunctionSpec *const *group = groups; group && *group; ++group)
    for (const FunctionSpec *f = *group; f->name; ++f) {
      bool listed = std::any_of(rows.begin(), rows.end(), [&](const HelpRow &r) { return r.name == f->name; });
      if (!listed) rows.push_back(row_of(f->name, f->step ? "aggregate" : "function", f->help, library));
    }
}

std::vector<HelpRow> help_rows() {
  std::vector<HelpRow> rows;
  for (const SqlExports *const *e = all_exports; *e; ++e) {
    const SqlExports &exports = **e;
    for (const TableFunctionGetter *table = exports.tables; table && *table; ++table) {
      TableShape shape = (*table)().shape();
      rows.push_back(row_of(shape.name, "table", shape.help, exports.library));
    }
    for (const TableShape *const *shape = exports.connect_tables; shape && *shape; ++shape)
      rows.push_back(row_of((*shape)->name, "table", (*shape)->help, exports.library));
    add_functions(rows, exports.functions, exports.library);
    add_functions(rows, exports.connect_functions, exports.library);
  }
  return rows;
}

class HelpCursor : public TableCursor {
 public:
  void filter(const TableCall &) override {
    rows_ = help_rows();
    at_ = 0;
  }
  void next() override { ++at_; }
  bool eof() const override { return at_ >= rows_.size(); }
  void column(sqlite3_context *ctx, int column) override {
    const HelpRow &r = rows_[at_];
    const std::string *values[] = {&r.name, &r.kind, &r.usage, &r.description, &r.example, &r.library};
    const std::string &v = *values[column];
    if (v.empty())
      sqlite3_result_null(ctx);  // a registration without its help: the test sees NULL
    else
      sqlite3_result_text(ctx, v.data(), int(v.size()), SQLITE_TRANSIENT);
  }
  int64_t rowid() const override { return int64_t(at_) + 1; }

 private:
  std::vector<HelpRow> rows_;
  size_t at_ = 0;
};

class HelpFunction : public TableFunction {
 public:
  TableShape shape() const override {
    return {"xtractr_help",
            kSchema,
            6,
            nullptr,
            0,
            {"xtractr_help", "every table and function xtractr adds, with its call, one line and an example",
             "SELECT name, usage, description FROM xtractr_help"}};
  }
  std::unique_ptr<TableCursor> open(sqlite3 *) const override { return std::make_unique<HelpCursor>(); }
  bool innocuous() const override { return true; }
};

}  // namespace

const TableFunction &help_table() {
  static const HelpFunction function;
  return function;
}

}  // namespace xtractr
