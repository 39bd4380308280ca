/*
** nugget_tables.cc — the SQL face of nuggets (nuggets.h): xtractr_nuggets lists them,
** xtractr_nugget(name, capture) runs one.
**
** Usage:
**
**   SELECT name, description FROM xtractr_nuggets;
**   SELECT name, source FROM xtractr_nuggets WHERE source NOT LIKE 'built-in%';   -- your own
**   SELECT section, result FROM xtractr_nugget('dns', 'day1.pcapng');
**   SELECT section, result FROM xtractr_nugget('./my_hunt.sql', 'day1.pcapng');   -- a file
**   SELECT result ->> 'scanner' AS scanner, result ->> 'ports' AS ports
**     FROM xtractr_nugget('port_scans', 'evidence/');
**
** xtractr_nuggets: name, description, query (the SQL), source ('built-in sql/NAME.sql' or
** the file's path). xtractr_nugget: section (the "## " title the rows came under, NULL for
** none), result (the row as a JSON object, columns in the nugget's order), and the hidden
** arguments nugget (a name, or a nugget file's path: one with a '/' or ending in .sql) and
** capture.
**
** How it works: both read the nugget folders afresh on each scan (a file edited or dropped
** in is seen at once). xtractr_nugget runs the nugget's statements on the caller's own
** connection during xFilter (run_nugget), so they see its temp tables and attached
** databases like any statement the caller runs, and keeps the result rows for the scan.
*/
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/sql_error.h"
#include "core/table_function.h"
#include "extension/nuggets.h"

namespace xtractr {

namespace {

void result_text(sqlite3_context *ctx, const std::string &text) {
  sqlite3_result_text(ctx, text.data(), int(text.size()), SQLITE_TRANSIENT);
}

class NuggetsCursor : public TableCursor {
 public:
  void filter(const TableCall &) override {
    nuggets_ = load_nuggets();
    at_ = 0;
  }
  void next() override { ++at_; }
  bool eof() const override { return at_ >= nuggets_.size(); }
  void column(sqlite3_context *ctx, int column) override {
    const Nugget &n = nuggets_[at_];
    const std::string *values[] = {&n.name, &n.description, &n.query, &n.source};
    result_text(ctx, *values[column]);
  }
  int64_t rowid() const override { return int64_t(at_) + 1; }

 private:
  std::vector<Nugget> nuggets_;
  size_t at_ = 0;
};

class NuggetsFunction : public TableFunction {
 public:
  TableShape shape() const override {
    return {"xtractr_nuggets",
            "CREATE TABLE x(name TEXT, description TEXT, query TEXT, source TEXT)",
            4,
            nullptr,
            0,
            {"xtractr_nuggets", "the nuggets (saved reports and hunts) xtractr_nugget() runs: built-in and your own",
             "SELECT name, description FROM xtractr_nuggets"}};
  }
  std::unique_ptr<TableCursor> open(sqlite3 *) const override { return std::make_unique<NuggetsCursor>(); }
};

constexpr TableArgument kNuggetArguments[] = {
    {"nugget", 'n', "xtractr_nugget(): name a nugget, e.g. SELECT * FROM xtractr_nugget('port_scans', 'day1.pcapng')"},
    {"capture", 'c',
     "xtractr_nugget(): name a capture, e.g. SELECT * FROM xtractr_nugget('port_scans', 'day1.pcapng')"}};

// A name, or the path of a nugget file (a '/' in it, or .sql at its end: no name has either).
Nugget find_nugget(const std::string &name) {
  if (name.find('/') != std::string::npos || (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0))
    return nugget_file(name);
  std::vector<Nugget> nuggets = load_nuggets();
  std::string near;  // names that hold the one given, or that it holds
  for (Nugget &n : nuggets) {
    if (nugget_name_matches(name, n.name)) return std::move(n);
    std::string given = name, known = n.name;
    std::replace(given.begin(), given.end(), '-', '_');
    if (!given.empty() && (known.find(given) != std::string::npos || given.find(known) != std::string::npos))
      near += (near.empty() ? "'" : ", '") + n.name + "'";
  }
  throw UserError("xtractr_nugget(): no nugget named '" + name + "' (" +
                  (near.empty() ? "SELECT name FROM xtractr_nuggets lists them" : "did you mean " + near + "?") + ")");
}

class NuggetCursor : public TableCursor {
 public:
  explicit NuggetCursor(sqlite3 *db) : db_(db) {}
  void filter(const TableCall &call) override {
    rows_.clear();
    at_ = 0;
    std::optional<std::string> name = call.text(0), capture = call.text(1);
    if (!name) throw UserError(kNuggetArguments[0].if_missing);
    if (!capture) throw UserError(kNuggetArguments[1].if_missing);
    rows_ = run_nugget(db_, find_nugget(*name), *capture);
  }
  void next() override { ++at_; }
  bool eof() const override { return at_ >= rows_.size(); }
  void column(sqlite3_context *ctx, int column) override {
    const NuggetRow &r = rows_[at_];
    if (column == 0 && r.section.empty())
      sqlite3_result_null(ctx);
    else
      result_text(ctx, column == 0 ? r.section : r.json);
  }
  int64_t rowid() const override { return int64_t(at_) + 1; }

 private:
  sqlite3 *db_;
  std::vector<NuggetRow> rows_;
  size_t at_ = 0;
};

class NuggetFunction : public TableFunction {
 public:
  TableShape shape() const override {
    return {"xtractr_nugget",
            "CREATE TABLE x(section TEXT, result TEXT, nugget HIDDEN, capture HIDDEN)",
            2,
            kNuggetArguments,
            2,
            {"xtractr_nugget(nugget, capture)",
             "runs a nugget (xtractr_nuggets) on a capture: its rows as JSON objects, by section",
             "SELECT section, result FROM xtractr_nugget('top_talkers', 'examples/wikipedia_browse.pcap')"}};
  }
  std::unique_ptr<TableCursor> open(sqlite3 *db) const override { return std::make_unique<NuggetCursor>(db); }
};

}  // namespace

const TableFunction &nuggets_table() {
  static const NuggetsFunction function;
  return function;
}

const TableFunction &nugget_table() {
  static const NuggetFunction function;
  return function;
}

}  // namespace xtractr
