// table_function.h — the one implementation of SQLite's eponymous table-valued functions:
// packets()/flows(), the extraction tables, the catalog tables and the report tables all
// describe themselves as a TableFunction and get the sqlite3_module from here.
//
// Usage (C++):
//   constexpr TableArgument kArguments[] = {
//       {"capture", 'c', "xtractr_terms(): name a capture, e.g. SELECT * FROM xtractr_terms('day1.pcapng')"},
//       {"query", 'q', nullptr}};                                   // optional
//   class TermsFunction : public TableFunction {
//     TableShape shape() const override {
//       return {"xtractr_terms", "CREATE TABLE x(value, packets INTEGER, capture HIDDEN, query HIDDEN)", 2, kArguments,
//       2};
//     }
//     std::unique_ptr<TableCursor> open(sqlite3 *db) const override { return std::make_unique<TermsCursor>(db); }
//   };
//   // and in SQL:  SELECT * FROM xtractr_terms('day1.pcapng', 'dns.qry.name') LIMIT 10;
//
// How it works: the arguments are consecutive HIDDEN columns; xBestIndex takes, in constraint
// order, the first usable `=` constraint on each, and offers every other usable constraint to
// the function's push_down() (packets' id/flow/time bounds). The plan string (idxStr) holds
// one letter per value handed to xFilter — the argument's letter or the pushdown's code — so
// xFilter knows each value without counting bits. An argument constrained only through a
// later table (a join) makes the plan impossible (SQLITE_CONSTRAINT: SQLite tries another
// order); a missing required argument makes it very expensive, and xFilter then raises the
// argument's message. Argument columns echo the values given. Every callback is guarded
// (sql_error.h) and runs inside the connection's ConnectionScope (interruption.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/sqlite_api.h"

namespace xtractr {

using IndexConstraint = sqlite3_index_info::sqlite3_index_constraint;

// One argument of a table-valued function: a HIDDEN column.
struct TableArgument {
  const char *column;      // its name in the schema
  char code;               // its letter in the plan string
  const char *if_missing;  // the error when it is not given; nullptr: optional
};

// What xtractr_help() says of a table or function (extension/help_table.cc): its call, one
// line of what it does, and one statement that uses it.
struct SqlHelp {
  const char *usage = nullptr;    // "xtractr_terms(capture, field [, query])"
  const char *summary = nullptr;  // one line
  const char *example = nullptr;  // one SQL statement
};

struct TableShape {
  const char *name;    // the SQL name: "xtractr_stream"
  const char *schema;  // CREATE TABLE x(...), the arguments consecutive HIDDEN columns
  int first_argument;  // column number of the first argument
  const TableArgument *arguments;
  int argument_count;
  SqlHelp help = {};
};

// The values one xFilter call got: the arguments (copies, owned) and the pushed-down values.
class TableCall {
 public:
  TableCall() = default;
  TableCall(const TableCall &) = delete;
  TableCall &operator=(const TableCall &) = delete;
  ~TableCall() { clear(); }

  // Argument k's value, or nullptr when it was not given.
  sqlite3_value *argument(int k) const { return k < int(arguments_.size()) ? arguments_[size_t(k)] : nullptr; }
  // Argument k as text; nullopt when not given or NULL.
  std::optional<std::string> text(int k) const;
  // (code, value) of each pushed-down constraint, in plan order; valid during xFilter only.
  const std::vector<std::pair<char, sqlite3_value *>> &pushdowns() const { return pushdowns_; }
  int plan_number = 0;  // idxNum, as push_down/estimate left it

 private:
  friend struct TableCallBuilder;
  void clear();
  std::vector<sqlite3_value *> arguments_;
  std::vector<std::pair<char, sqlite3_value *>> pushdowns_;
};

// The rows of one scan. Methods may throw: the helper turns exceptions into SQL errors.
class TableCursor {
 public:
  virtual ~TableCursor() = default;
  // xFilter: starts a scan (the required arguments are there).
  virtual void filter(const TableCall &call) = 0;
  virtual void next() = 0;
  virtual bool eof() const = 0;
  // A non-argument column of the current row.
  virtual void column(sqlite3_context *ctx, int column) = 0;
  virtual int64_t rowid() const = 0;
};

class TableFunction {
 public:
  virtual ~TableFunction() = default;
  virtual TableShape shape() const = 0;
  virtual std::unique_ptr<TableCursor> open(sqlite3 *db) const = 0;
  // A usable constraint that is not an argument: its code in the plan string, or 0 to leave it
  // to SQLite. `omit` (preset true) false makes SQLite re-check what the scan returns.
  virtual char push_down(const IndexConstraint &, bool & /*omit*/) const { return 0; }
  // Costs and ORDER BY, once the plan string is known; `complete`: every required argument is
  // given. The default: a computed table, equally costly whatever the arguments.
  virtual void estimate(sqlite3_index_info *info, const std::string &plan, bool complete) const;
  // SQLITE_VTAB_INNOCUOUS: usable in views and triggers (reads captures and indexes only).
  virtual bool innocuous() const { return false; }
};

// The sqlite3_module behind every TableFunction (its client data).
extern const sqlite3_module table_function_module;

// Registers `function` (which must outlive the connection) under shape().name.
int register_table_function(sqlite3 *db, const TableFunction &function);
// Registers a function owned by the connection (state per connection, e.g. a JS runtime).
int register_table_function(sqlite3 *db, std::unique_ptr<TableFunction> function);

}  // namespace xtractr
