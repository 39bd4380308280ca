// indexer_sqlite.cc — the indexer program's SQLite: the linked libsqlite3, through the API table.
//
// Usage (C++, first thing in xtractr-indexer's main):
//
//   use_linked_sqlite();   // now Database / Statement (core/sqlite_handles.h) work
//
// How it works: every xtractr library calls SQLite through `sqlite3_api`, the routines table
// a host hands a loadable extension (core/sqlite_api.h). The indexer is a program, not an
// extension: it links libsqlite3 and obtains the same table the way an extension would — an
// auto-extension's entry point receives it when a connection opens. This file alone sees the
// plain sqlite3.h API.
#include <sqlite3.h>

#include <stdexcept>

extern const sqlite3_api_routines *sqlite3_api;  // core/sqlite_api.cc

namespace xtractr {

namespace {
int take_api(sqlite3 *, char **, const sqlite3_api_routines *api) {
  sqlite3_api = api;
  return SQLITE_OK;
}
}  // namespace

void use_linked_sqlite() {
  auto entry = reinterpret_cast<void (*)(void)>(take_api);
  sqlite3_auto_extension(entry);
  sqlite3 *db = nullptr;
  int rc = sqlite3_open(":memory:", &db);
  sqlite3_close(db);
  sqlite3_cancel_auto_extension(entry);
  if (rc != SQLITE_OK || !sqlite3_api) throw std::runtime_error("cannot initialise SQLite");
}

}  // namespace xtractr
