// sql_error.cc — see sql_error.h.
#include "core/sql_error.h"

namespace xtractr {

namespace {
std::string prefixed(const std::string &message) {
  // "xtractr_index(): ..." starts with "xtractr" too: look for the whole prefix
  return message.rfind("xtractr: ", 0) == 0 ? message : "xtractr: " + message;
}
}  // namespace

char *sql_error_message(const std::string &message) { return sqlite3_mprintf("%s", prefixed(message).c_str()); }

void set_vtab_error(sqlite3_vtab *vtab, const std::string &message) {
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sql_error_message(message);
}

void result_error(sqlite3_context *ctx, const std::string &message) {
  std::string text = prefixed(message);
  sqlite3_result_error(ctx, text.c_str(), int(text.size()));
}

}  // namespace xtractr
