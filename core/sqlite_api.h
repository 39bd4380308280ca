// sqlite_api.h — the SQLite C API as a loadable extension sees it.
//
// xtractr never links libsqlite3: every call goes through the routines table the host
// passes to sqlite3_xtractr_init (SQLITE_EXTENSION_INIT1 lives in sqlite_api.cc).
#pragma once

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
