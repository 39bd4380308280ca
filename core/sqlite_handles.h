// sqlite_handles.h — RAII owners for SQLite connections and statements (through the
// extension API), with exceptions for failures: xtractr's own index databases and the
// statements an SQL function runs on the user's connection.
//
// Usage (C++):
//   Statement s(db, "SELECT id FROM packets(?1, ?2)", "xtractr_stream('day1.pcapng')");
//   s.bind(1, capture);
//   s.bind(2, query);
//   while (s.step()) ids.push_back(s.integer(0));   // finalized when `s` goes out of scope
//
// How it works: the one owner of a sqlite3_stmt. Its context label ("index database", or the
// SQL function and capture a statement on the user's connection works for) starts every
// error message; an error already worded by a nested xtractr call ("xtractr: ...") is passed
// on as it is. step() throws on every failure — SQLITE_INTERRUPT as Interrupted, so that
// an interrupt is never mistaken for "no rows".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "core/sql_error.h"
#include "core/sqlite_api.h"

namespace xtractr {

class Database {
 public:
  Database() = default;
  Database(const std::string &path, int flags) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot open index database '" + path + "': " + message);
    }
  }
  ~Database() { sqlite3_close(db_); }
  Database(Database &&o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  Database &operator=(Database &&o) noexcept {
    std::swap(db_, o.db_);
    return *this;
  }

  sqlite3 *get() const { return db_; }
  void exec(const std::string &sql) {
    char *error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw std::runtime_error("index database: " + message);
    }
  }

 private:
  sqlite3 *db_ = nullptr;
};

class Statement {
 public:
  Statement() = default;
  // Throws when `sql` does not compile; `context` labels this statement's errors.
  Statement(sqlite3 *db, const std::string &sql, std::string context = "index database")
      : db_(db), context_(std::move(context)) {
    if (sqlite3_prepare_v2(db, sql.c_str(), int(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
      std::string message = worded(sqlite3_errmsg(db), " in: " + sql);
      sqlite3_finalize(stmt_);
      stmt_ = nullptr;
      throw std::runtime_error(message);
    }
  }
  // The first statement of `script` (a script of several, as sqlite3_exec runs them); `script`
  // is left at the rest. Throws when it does not compile; an empty Statement when only
  // whitespace and comments were left.
  static Statement next_of(sqlite3 *db, std::string_view &script, std::string context) {
    Statement s;
    s.db_ = db;
    s.context_ = std::move(context);
    const char *tail = nullptr;
    if (sqlite3_prepare_v2(db, script.data(), int(script.size()), &s.stmt_, &tail) != SQLITE_OK)
      throw std::runtime_error(s.worded(sqlite3_errmsg(db)));
    script.remove_prefix(tail ? size_t(tail - script.data()) : script.size());
    return s;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement &&o) noexcept
      : db_(o.db_), context_(std::move(o.context_)), stmt_(std::exchange(o.stmt_, nullptr)) {}
  Statement &operator=(Statement &&o) noexcept {
    std::swap(db_, o.db_);
    std::swap(context_, o.context_);
    std::swap(stmt_, o.stmt_);
    return *this;
  }

  sqlite3_stmt *get() const { return stmt_; }
  explicit operator bool() const { return stmt_ != nullptr; }

  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void bind(int i, std::string_view v) { sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT); }
  void bind_blob(int i, std::string_view v) { sqlite3_bind_blob(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT); }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }

  // true on a row, false when done; throws on errors (Interrupted for SQLITE_INTERRUPT).
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string message = worded(sqlite3_errmsg(db_));
    if (rc == SQLITE_INTERRUPT) throw Interrupted(message);
    throw std::runtime_error(message);
  }
  void run() {
    step();
    reset();
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string_view text(int col) const {
    const unsigned char *p = sqlite3_column_text(stmt_, col);
    return p ? std::string_view(reinterpret_cast<const char *>(p), size_t(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  std::string_view blob(int col) const {
    const void *p = sqlite3_column_blob(stmt_, col);
    return p ? std::string_view(static_cast<const char *>(p), size_t(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }

 private:
  // A message from a nested xtractr call is already worded; SQLite's own get the label.
  std::string worded(const char *error, const std::string &where = "") const {
    std::string message = error ? error : "unknown error";
    return message.rfind("xtractr: ", 0) == 0 ? message : context_ + ": " + message + where;
  }

  sqlite3 *db_ = nullptr;
  std::string context_;
  sqlite3_stmt *stmt_ = nullptr;
};

}  // namespace xtractr
