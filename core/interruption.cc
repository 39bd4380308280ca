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

}  // namespace

ConnectionScope::ConnectionScope(sqlite3 *db) noexcept : previous_(enter_connection(db)) {}

ConnectionScope::~ConnectionScope() { leave_connection(previous_); }

void check_interrupted(const std::string &message) {
  sqlite3 *db = current_connection;
  if (!db) return;
  sqlite3_stmt *probe = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT 1", -1, &probe, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(probe);
  sqlite3_finalize(probe);
  if (rc == SQLITE_INTERRUPT) throw Interrupted(message);
}

}  // namespace xtractr
