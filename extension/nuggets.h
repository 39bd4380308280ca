// nuggets.h — Nuggets: named, described SQL queries (saved reports and hunts) that a user
// lists, runs by name against a capture, writes and shares as plain files.
//
// Usage (SQL):
//   SELECT name, description, source FROM xtractr_nuggets;
//   SELECT section, result FROM xtractr_nugget('port_scans', 'day1.pcapng');
//   SELECT result ->> 'scanner' FROM xtractr_nugget('port-scans', 'day1.pcapng');   -- '-' = '_'
//
// A nugget is one file, NAME.sql: SQL statements that name the capture as the parameter
// @capture (or :capture, $capture), the very scripts of sql/ (sql/README.md describes the
// format). Its description is the first paragraph of its leading comment block, without a
// "NAME.sql — " prefix. A statement whose only column is named "## TITLE" starts a section
// (its rows are not results); every other statement that returns columns gives result rows.
//
// How it works: the built-in nuggets are sql/*.sql, embedded at build time
// (embed_nuggets.cmake), so xtractr.so needs no file beside it wherever it is loaded or
// installed; user nuggets are read, on every call, from the folders of XTRACTR_NUGGETS
// (':'-separated) and then $XDG_CONFIG_HOME/xtractr/nuggets (~/.config/xtractr/nuggets); the
// first nugget of a name wins, so a user file shadows a built-in one. xtractr_nugget()
// (nugget_tables.cc) runs the statements one after the other on the caller's connection, with
// @capture bound, and keeps the rows of each as (section, JSON object) until its scan ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/sqlite_api.h"
#include "core/table_function.h"

namespace xtractr {

// One embedded sql/NAME.sql (the generated embedded_nuggets.cc); the list ends with {}.
struct BuiltInNugget {
  const char *name;
  const char *text;
};
extern const BuiltInNugget kBuiltInNuggets[];

struct Nugget {
  std::string name;         // the file's name without .sql
  std::string description;  // the header's first paragraph
  std::string query;        // the whole file: the SQL statements
  std::string source;       // "built-in sql/NAME.sql" or the file's path
};

// The description a nugget file's leading comment block gives (see above).
std::string nugget_description(std::string_view name, std::string_view text);

// The folders user nuggets are read from, first first (those that do not exist included).
std::vector<std::string> nugget_folders();

// Every nugget, sorted by name: user folders first, then the built-in ones; one per name.
std::vector<Nugget> load_nuggets();

// The nugget file at `path` (named after it), read now.
Nugget nugget_file(const std::string &path);

// Whether `given` names the nugget `name` ('-' and '_' alike, so 'port-scans' is port_scans).
bool nugget_name_matches(std::string_view given, std::string_view name);

// One result row of a nugget: its section (empty before any "## " title) and its columns as
// a JSON object, in the statement's column order.
struct NuggetRow {
  std::string section;
  std::string json;
};

// Runs `nugget` on `db` with @capture bound to `capture`; errors name the nugget and capture.
std::vector<NuggetRow> run_nugget(sqlite3 *db, const Nugget &nugget, const std::string &capture);

// xtractr_nuggets and xtractr_nugget(name, capture) (nugget_tables.cc).
const TableFunction &nuggets_table();
const TableFunction &nugget_table();

}  // namespace xtractr
