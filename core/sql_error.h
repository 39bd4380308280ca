// sql_error.h — the one way xtractr reports errors to SQL.
//
// Every message starts with "xtractr: " and names the capture and the problem. C++
// exceptions never cross the C ABI: each entry point runs its body through guard_*().
#pragma once

#include <stdexcept>
#include <string>

#include "core/interruption.h"
#include "core/sqlite_api.h"

namespace xtractr {

// An error meant for the user, already worded (the capture path included).
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The user interrupted the call (sqlite3_interrupt(), see interruption.h): SQLITE_INTERRUPT.
struct Interrupted : UserError {
  using UserError::UserError;
};

// "xtractr: <message>" as a sqlite3_malloc'ed string (for zErrMsg / pzErrMsg).
char *sql_error_message(const std::string &message);

// Replaces vtab->zErrMsg.
void set_vtab_error(sqlite3_vtab *vtab, const std::string &message);

void result_error(sqlite3_context *ctx, const std::string &message);

// Runs body (returning an SQLite result code); exceptions become SQLITE_ERROR (Interrupted:
// SQLITE_INTERRUPT) with the message stored by `report`.
template <typename Body, typename Report>
int guarded(Body &&body, Report &&report) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return SQLITE_NOMEM;
  } catch (const Interrupted &e) {
    try {
      report(std::string(e.what()));
    } catch (...) {
    }
    return SQLITE_INTERRUPT;
  } catch (const std::exception &e) {
    try {
      report(std::string(e.what()));
    } catch (...) {
    }
    return SQLITE_ERROR;
  } catch (...) {
    try {
      report(std::string("internal error"));
    } catch (...) {
    }
    return SQLITE_ERROR;
  }
}

// For vtab methods: errors go to vtab->zErrMsg.
template <typename Body>
int guard_vtab(sqlite3_vtab *vtab, Body &&body) noexcept {
  return guarded(body, [vtab](const std::string &m) { set_vtab_error(vtab, m); });
}

// For scalar/aggregate functions: errors become sqlite3_result_error.
// Work below can notice an interrupt of the function's connection (interruption.h).
template <typename Body>
void guard_function(sqlite3_context *ctx, Body &&body) noexcept {
  ConnectionScope scope(sqlite3_context_db_handle(ctx));
  int rc = guarded(
      [&] {
        body();
        return SQLITE_OK;
      },
      [ctx](const std::string &m) { result_error(ctx, m); });
  if (rc == SQLITE_NOMEM) sqlite3_result_error_nomem(ctx);
  if (rc == SQLITE_INTERRUPT) sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
}

}  // namespace xtractr
