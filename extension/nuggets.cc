// nuggets.cc — see nuggets.h: the nugget files (built-in and user folders) and how one runs.
#include "extension/nuggets.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "index/block_codec.h"

namespace xtractr {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> split(const std::string &text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

// The NAME.sql files of a folder, sorted; none when it does not exist.
std::vector<std::string> sql_files(const std::string &folder) {
  std::vector<std::string> names;
  DIR *dir = opendir(folder.c_str());
  if (!dir) return names;
  while (const dirent *entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0 && name[0] != '.') names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_nugget_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) throw UserError("cannot read nugget file '" + path + "'");
  return text.str();
}

void add_nugget(std::vector<Nugget> &nuggets, std::string name, std::string text, std::string source) {
  for (const Nugget &n : nuggets)
    if (nugget_name_matches(name, n.name)) return;  // an earlier folder's nugget of this name wins
  std::string description = nugget_description(name, text);
  nuggets.push_back({std::move(name), std::move(description), std::move(text), std::move(source)});
}

// A column's value as JSON (SQLite's json_object() spelling: reals as SQLite prints them,
// infinities as 9e999, blobs — which JSON cannot hold — as hex text).
void append_json_value(std::string &out, sqlite3_stmt *stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      out += "null";
      return;
    case SQLITE_INTEGER:
      out += std::to_string(sqlite3_column_int64(stmt, column));
      return;
    case SQLITE_FLOAT: {
      double v = sqlite3_column_double(stmt, column);
      if (std::isnan(v))
        out += "null";
      else if (std::isinf(v))
        out += v > 0 ? "9e999" : "-9e999";
      else
        out += reinterpret_cast<const char *>(sqlite3_column_text(stmt, column));
      return;
    }
    case SQLITE_BLOB: {
      static const char hex[] = "0123456789abcdef";
      const auto *p = static_cast<const unsigned char *>(sqlite3_column_blob(stmt, column));
      std::string text;
      for (int i = 0, n = sqlite3_column_bytes(stmt, column); i < n; ++i) {
        text.push_back(hex[p[i] >> 4]);
        text.push_back(hex[p[i] & 15]);
      }
      json_append_string(out, text);
      return;
    }
    default: {
      const unsigned char *t = sqlite3_column_text(stmt, column);
      json_append_string(
          out, std::string_view(reinterpret_cast<const char *>(t), size_t(sqlite3_column_bytes(stmt, column))));
    }
  }
}

std::string row_json(sqlite3_stmt *stmt) {
  std::string out = "{";
  for (int c = 0, n = sqlite3_column_count(stmt); c < n; ++c) {
    if (c) out.push_back(',');
    const char *name = sqlite3_column_name(stmt, c);
    json_append_string(out, name ? name : "");
    out.push_back(':');
    append_json_value(out, stmt, c);
  }
  out.push_back('}');
  return out;
}

// Binds every parameter of a nugget's statement: it may only be the capture.
void bind_capture(sqlite3_stmt *stmt, const std::string &capture) {
  for (int i = 1, n = sqlite3_bind_parameter_count(stmt); i <= n; ++i) {
    const char *name = sqlite3_bind_parameter_name(stmt, i);
    if (!name || std::strcmp(name + 1, "capture") != 0)
      throw UserError(std::string("parameter ") + (name ? name : "?") +
                      " is not bound: a nugget's one parameter is @capture (or :capture, $capture)");
    sqlite3_bind_text(stmt, i, capture.data(), int(capture.size()), SQLITE_TRANSIENT);
  }
}

// "## TITLE" when the statement is a section title (one column so named), else empty.
std::string section_title(sqlite3_stmt *stmt) {
  if (sqlite3_column_count(stmt) != 1) return "";
  const char *name = sqlite3_column_name(stmt, 0);
  return name && starts_with(name, "## ") ? std::string(trim(name + 3)) : "";
}

}  // namespace

bool nugget_name_matches(std::string_view given, std::string_view name) {
  if (given.size() != name.size()) return false;
  for (size_t i = 0; i < given.size(); ++i) {
    char a = given[i] == '-' ? '_' : given[i], b = name[i] == '-' ? '_' : name[i];
    if (a != b) return false;
  }
  return true;
}

std::string nugget_description(std::string_view name, std::string_view text) {
  std::string description;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!starts_with(line, "--")) break;  // the leading comment block ends
    line = trim(line.substr(2));
    if (line.empty()) {
      if (description.empty()) continue;
      break;  // the first paragraph ends
    }
    if (description.empty()) {  // "NAME.sql — what it does" or "NAME — what it does"
      for (std::string prefix : {std::string(name) + ".sql", std::string(name)})
        if (starts_with(line, prefix)) {
          std::string_view rest = trim(line.substr(prefix.size()));
          for (std::string_view dash : {"—", "-", ":"})
            if (starts_with(rest, dash)) {
              line = trim(rest.substr(dash.size()));
              break;
            }
          break;
        }
    } else {
      description.push_back(' ');
    }
    description += line;
  }
  return description;
}

std::vector<std::string> nugget_folders() {
  std::vector<std::string> folders;
  if (const char *list = getenv("XTRACTR_NUGGETS"); list && *list) folders = split(list, ':');
  if (const char *xdg = getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    folders.push_back(std::string(xdg) + "/xtractr/nuggets");
  else if (const char *home = getenv("HOME"); home && *home)
    folders.push_back(std::string(home) + "/.config/xtractr/nuggets");
  return folders;
}

std::vector<Nugget> load_nuggets() {
  std::vector<Nugget> nuggets;
  for (const std::string &folder : nugget_folders())
    for (const std::string &file : sql_files(folder)) {
      std::string path = folder + "/" + file;
      add_nugget(nuggets, file.substr(0, file.size() - 4), read_nugget_file(path), path);
    }
  for (const BuiltInNugget *b = kBuiltInNuggets; b->name; ++b)
    add_nugget(nuggets, b->name, b->text, std::string("built-in sql/") + b->name + ".sql");
  std::sort(nuggets.begin(), nuggets.end(), [](const Nugget &a, const Nugget &b) { return a.name < b.name; });
  return nuggets;
}

Nugget nugget_file(const std::string &path) {
  std::string file = path.substr(path.rfind('/') + 1);  // npos + 1 = 0
  std::string name =
      file.size() > 4 && file.compare(file.size() - 4, 4, ".sql") == 0 ? file.substr(0, file.size() - 4) : file;
  std::string text = read_nugget_file(path);
  return {name, nugget_description(name, text), text, path};
}

std::vector<NuggetRow> run_nugget(sqlite3 *db, const Nugget &nugget, const std::string &capture) {
  std::string label = "nugget '" + nugget.name + "' on '" + capture + "'";
  std::vector<NuggetRow> rows;
  std::string section;
  std::string_view script = nugget.query;
  try {
    while (!script.empty()) {
      Statement statement = Statement::next_of(db, script, label);
      if (!statement) continue;  // comments after the last statement
      bind_capture(statement.get(), capture);
      std::string title = section_title(statement.get());
      if (!title.empty()) section = title;
      bool results = title.empty() && sqlite3_column_count(statement.get()) > 0;
      while (statement.step())
        if (results) rows.push_back({section, row_json(statement.get())});
    }
  } catch (const Interrupted &) {
    throw;
  } catch (const std::exception &e) {
    // name the nugget even when a nested xtractr call worded the error ("xtractr: ...")
    std::string message = e.what();
    if (starts_with(message, "xtractr: ")) message.erase(0, 9);
    if (!starts_with(message, label)) message = label + ": " + message;
    if (message.find("database table is locked") != std::string::npos)
      message +=
          " (a nugget runs inside the statement that calls it, where SQLite drops no table: "
          "share a subquery with WITH ... AS MATERIALIZED instead of a temporary table)";
    throw UserError(message);
  }
  return rows;
}

}  // namespace xtractr
