// table_function_host.h — the host side of table_function_test.cc (libsqlite3, sqlite3.h).
#pragma once

#include <string>

struct HostResult {
  std::string text;   // the first row, columns joined by '|'
  std::string error;  // sqlite3_errmsg when the statement failed
};

// Runs `sql` on a fresh :memory: connection that has table_function_test_init's functions.
HostResult host_query(const char *sql);
