// table_function_test.cc — core/table_function.h through a real SQLite: a TableFunction whose
// xBestIndex work throws gives an SQL error (no exception crosses the C ABI), a missing
// required argument gives its message, argument columns echo what was given.
//
// How it works: this file is the extension side (sqlite3ext.h, like every xtractr library);
// table_function_host.cc is the host (sqlite3.h, libsqlite3), which registers
// `table_function_test_init` as an auto-extension so that it gets the API table.
#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/table_function.h"
#include "table_function_host.h"

namespace {

using namespace xtractr;

// count(n [, label]): rows 1..n; label is echoed. A bound on `value` makes xBestIndex throw.
class CountCursor : public TableCursor {
 public:
  void filter(const TableCall &call) override {
    n_ = sqlite3_value_int64(call.argument(0));
    i_ = 1;
  }
  void next() override { ++i_; }
  bool eof() const override { return i_ > n_; }
  void column(sqlite3_context *ctx, int) override { sqlite3_result_int64(ctx, i_); }
  int64_t rowid() const override { return i_; }

 private:
  int64_t n_ = 0, i_ = 1;
};

constexpr TableArgument kArguments[] = {{"n", 'n', "count(): how many rows?"}, {"label", 'l', nullptr}};

class CountFunction : public TableFunction {
 public:
  TableShape shape() const override {
    return {"count_rows", "CREATE TABLE x(value INTEGER, n HIDDEN, label HIDDEN)", 1, kArguments, 2};
  }
  std::unique_ptr<TableCursor> open(sqlite3 *) const override { return std::make_unique<CountCursor>(); }
  char push_down(const IndexConstraint &c, bool &) const override {
    if (c.iColumn == 0) throw std::runtime_error("cannot plan a bound on value");
    return 0;
  }
};

}  // namespace

extern "C" int table_function_test_init(sqlite3 *db, char **, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  static const CountFunction function;
  return register_table_function(db, function);
}

TEST_CASE("table functions: arguments, echo, missing arguments") {
  HostResult r = host_query("SELECT group_concat(value), max(label) FROM count_rows(3, 'x')");
  CHECK(r.error.empty());
  CHECK(r.text == "1,2,3|x");
  r = host_query("SELECT count(*) FROM count_rows()");
  CHECK(r.error == "xtractr: count(): how many rows?");
}

TEST_CASE("table functions: an exception in xBestIndex is an SQL error") {
  HostResult r = host_query("SELECT count(*) FROM count_rows(3) WHERE value > 1");
  CHECK(r.error == "xtractr: cannot plan a bound on value");
  // the connection stays usable
  CHECK(host_query("SELECT count(*) FROM count_rows(2)").text == "2");
}
