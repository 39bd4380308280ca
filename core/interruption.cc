// interruption.cc — see interruption.h.
#include "core/interruption.h"

#include "core/sql_error.h"

namespace xtractr {

namespace {
thread_local sqlite3 *current_connection = nullptr;

// Sets the connection of the SQL call running on this thread; returns the one to restore.
sqlite3 *enter_connection(sqlite3 *db) noexcept {
  sqlite3 *previous = current_connection;
  current_connection = db;
  return previous;
}

void leave_connection(sqlite3 *previous) noexcept { current_connection = previous; }

// Runs `sql` on the current connection; throws Interrupted(message) when it is refused or
// stopped with SQLITE_INTERRUPT.
void probe(const char *sql, const std::string &message) {
  sqlite3 *db = current_connection;
  if (!db) return;
  sqlite3_stmt *statement = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(statement);
  sqlite3_finalize(statement);
  if (rc == SQLITE_INTERRUPT) throw Interrupted(message);
}

}  // namespace

ConnectionScope::ConnectionScope(sqlite3 *db) noexcept : previous_(enter_connection(db)) {}

ConnectionScope::~ConnectionScope() { leave_connection(previous_); }

void check_interrupted(const std::string &message) { probe("SELECT 1", message); }

void check_stop_requested(const std::string &message) {
  probe("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT count(*) FROM n",
        message);
}

}  // namespace xtractr
