// interruption.h — lets long work inside one SQL call (an index build) stop on sqlite3_interrupt().
//
// Usage (C++):
//   ConnectionScope scope(db);            // at an SQL entry point (guard_function does this)
//   ...
//   check_interrupted("indexing 'day1.pcapng' was interrupted; nothing was kept");  // deep below,
//                                                     // every few thousand frames
//
// A user who presses Ctrl-C in the sqlite3 shell (or calls sqlite3_interrupt() / Python's
// Connection.interrupt()) while a capture is being indexed gets, within a second, the error
// "xtractr: indexing 'day1.pcapng' was interrupted; nothing was kept" with SQLITE_INTERRUPT,
// and the half-built index is removed.
//
// How it works: SQLite 3.40 has no sqlite3_is_interrupted(), and a progress handler belongs to
// the host. But an interrupted connection fails every statement it starts with SQLITE_INTERRUPT
// for as long as one of its statements is still running (ours is: we are inside it). So a
// probe "SELECT 1" on the connection of the SQL call running on this thread tells; the
// connection is found through a thread-local set by ConnectionScope. A progress handler is
// only called after its interval of VM instructions within one sqlite3_step(), so the probe of
// check_stop_requested() counts 20,000 rows in one step.
#pragma once

#include <string>

#include "core/sqlite_api.h"

namespace xtractr {

// The SQL call running on this thread uses `db` until the scope ends (scopes nest).
class ConnectionScope {
 public:
  explicit ConnectionScope(sqlite3 *db) noexcept;
  ~ConnectionScope();
  ConnectionScope(const ConnectionScope &) = delete;
  ConnectionScope &operator=(const ConnectionScope &) = delete;

 private:
  sqlite3 *previous_;
};

// Throws Interrupted(message) (sql_error.h) when the current connection was interrupted; does nothing
// outside any ConnectionScope.
void check_interrupted(const std::string &message);

// The same, and also when the host's own progress handler asks the connection to stop (how
// Python programs and web front ends limit a query's time). The probe runs enough VM
// instructions (~200,000, a few milliseconds) for a handler set with any usual interval to be
// called: call it a few times a second while waiting, not per frame.
void check_stop_requested(const std::string &message);

}  // namespace xtractr
