// sqlite_api.cc — the one definition of the routines table (see sqlite_api.h).
//
// It lives in core, below every library that calls SQLite, so no library depends upward on
// the extension for it; sqlite3_xtractr_init fills it (SQLITE_EXTENSION_INIT2).
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
