// reports_test_db.h — a connection with build/xtractr.so loaded, for the reports tests.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

namespace reports_test {

using Row = std::vector<std::string>;  // NULL reads as "NULL"

class Db {
 public:
  Db();
  ~Db();
  Db(const Db &) = delete;
  Db &operator=(const Db &) = delete;

  // All rows; throws std::runtime_error with SQLite's message on error.
  std::vector<Row> rows(const std::string &sql, const std::vector<std::string> &params = {});
  // The first column of the first row.
  std::string one(const std::string &sql, const std::vector<std::string> &params = {});
  // The error message of a statement that must fail ("" if it succeeded).
  std::string error(const std::string &sql, const std::vector<std::string> &params = {});
  // The SQL type name (integer, real, text, blob, null) of the one value.
  std::string type(const std::string &sql);

 private:
  sqlite3 *db_ = nullptr;
};

// A readable copy of a capture: tests/data/NAME, else the corpus's NAME (nullptr if neither).
std::string capture(const std::string &name);

}  // namespace reports_test
