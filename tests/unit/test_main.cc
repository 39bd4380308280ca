// test_main.cc — the Catch2 main of xtractr_unit_tests, and what the linked extension files
// expect from their host.
//
// Usage: build/tests/xtractr_unit_tests            (or through ctest: one test per case)
//
// How it works: the extension's .cc files reach SQLite through the routines pointer a
// loadable extension receives (sqlite_api.h). The unit tests link only files that do not call
// SQLite, so the pointer only has to exist.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
