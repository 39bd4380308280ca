// table_function_host.cc — see table_function_host.h.
#include "table_function_host.h"

#include <sqlite3.h>

extern "C" int table_function_test_init(sqlite3 *, char **, const sqlite3_api_routines *);

HostResult host_query(const char *sql) {
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(table_function_test_init));
  sqlite3 *db = nullptr;
  sqlite3_open(":memory:", &db);
  HostResult result;
  sqlite3_stmt *stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char *text = sqlite3_column_text(stmt, c);
      result.text += (c ? "|" : "") + std::string(text ? reinterpret_cast<const char *>(text) : "NULL");
    }
  } else if (rc != SQLITE_DONE) {
    result.error = sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}
