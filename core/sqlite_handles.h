// sqlite_handles.h — RAII owners for SQLite connections and statements (through the
// extension API), with exceptions for failures. Used for xtractr's own index databases.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

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
  Statement(sqlite3 *db, const std::string &sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), int(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("index database: ") + sqlite3_errmsg(db) + " in: " + sql);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement &&o) noexcept : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)) {}
  Statement &operator=(Statement &&o) noexcept {
    std::swap(db_, o.db_);
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

  // true while rows come; throws on errors
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("index database: ") + sqlite3_errmsg(db_));
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
  sqlite3 *db_ = nullptr;
  sqlite3_stmt *stmt_ = nullptr;
};

}  // namespace xtractr
