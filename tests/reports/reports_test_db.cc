// reports_test_db.cc — see reports_test_db.h.
#include "reports_test_db.h"

#include <sys/stat.h>

#include <stdexcept>

namespace reports_test {

Db::Db() {
  if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("cannot open :memory:");
  sqlite3_enable_load_extension(db_, 1);
  char *error = nullptr;
  if (sqlite3_load_extension(db_, XTRACTR_EXTENSION, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error("cannot load " + std::string(XTRACTR_EXTENSION) + ": " + message);
  }
}

Db::~Db() { sqlite3_close(db_); }

std::vector<Row> Db::rows(const std::string &sql, const std::vector<std::string> &params) {
  sqlite3_stmt *stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db_));
  for (size_t i = 0; i < params.size(); ++i)
    sqlite3_bind_text(stmt, int(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  std::vector<Row> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char *text = sqlite3_column_text(stmt, c);
      row.push_back(text ? reinterpret_cast<const char *>(text) : "NULL");
    }
    out.push_back(std::move(row));
  }
  std::string message = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  if (!message.empty()) throw std::runtime_error(message);
  return out;
}

std::string Db::one(const std::string &sql, const std::vector<std::string> &params) {
  auto r = rows(sql, params);
  if (r.empty() || r[0].empty()) throw std::runtime_error("no rows: " + sql);
  return r[0][0];
}

std::string Db::error(const std::string &sql, const std::vector<std::string> &params) {
  try {
    rows(sql, params);
  } catch (const std::exception &e) {
    return e.what();
  }
  return "";
}

std::string Db::type(const std::string &sql) { return one("SELECT typeof((" + sql + "))"); }

std::string capture(const std::string &name) {
  struct stat st;
  for (std::string dir : {std::string(XTRACTR_TEST_DATA), std::string(XTRACTR_CORPUS)}) {
    std::string path = dir + "/" + name;
    if (stat(path.c_str(), &st) == 0) return path;
  }
  throw std::runtime_error("capture " + name + " is in neither tests/data nor the corpus");
}

}  // namespace reports_test
