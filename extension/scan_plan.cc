// scan_plan.cc — see scan_plan.h.
#include "extension/scan_plan.h"

#include <cmath>
#include <cstring>

namespace xtractr {

char scan_pushdown(const IndexConstraint &c, const ScanColumns &columns, bool &omit) {
  if (c.iColumn == columns.id || c.iColumn == -1) {
    switch (c.op) {
      case SQLITE_INDEX_CONSTRAINT_EQ:
        return '=';
      case SQLITE_INDEX_CONSTRAINT_GT:
        return '>';
      case SQLITE_INDEX_CONSTRAINT_GE:
        return 'g';
      case SQLITE_INDEX_CONSTRAINT_LT:
        return '<';
      case SQLITE_INDEX_CONSTRAINT_LE:
        return 'l';
      default:
        return 0;
    }
  }
  if (columns.flow >= 0 && c.iColumn == columns.flow && c.op == SQLITE_INDEX_CONSTRAINT_EQ) return 'F';
  if (columns.time >= 0 && c.iColumn == columns.time) {
    omit = false;  // bounds are applied inclusively; SQLite re-checks strictness
    if (c.op == SQLITE_INDEX_CONSTRAINT_GT || c.op == SQLITE_INDEX_CONSTRAINT_GE) return 't';
    if (c.op == SQLITE_INDEX_CONSTRAINT_LT || c.op == SQLITE_INDEX_CONSTRAINT_LE) return 'T';
  }
  return 0;
}

void scan_cost(sqlite3_index_info *info, const std::string &plan, const ScanColumns &columns, bool have_capture) {
  auto has = [&](const char *codes) { return plan.find_first_of(codes) != std::string::npos; };
  if (!have_capture) {
    info->estimatedCost = 1e30;  // nothing to scan: unattractive (xFilter says why)
  } else if (has("=")) {
    info->estimatedCost = 1;
    info->estimatedRows = 1;
    info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
  } else if (has("F")) {
    info->estimatedCost = 100;
    info->estimatedRows = 100;
  } else if (has("><glTt")) {
    info->estimatedCost = 10000;
    info->estimatedRows = 10000;
  } else {
    info->estimatedCost = 1000000;
    info->estimatedRows = 1000000;
  }
  if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == columns.id && !info->aOrderBy[0].desc) {
    info->orderByConsumed = 1;
    info->idxNum |= kPlanOrdered;
  }
  // the rows are a search's ids or the id range; the flow and time bounds are applied by the
  // statement over index.db: not without it. (colUsed's last bit stands for every column from
  // 63 on: the tables have fewer.)
  auto bit = [](int column) { return column < 0 ? 0 : sqlite3_uint64(1) << (column < 63 ? column : 63); };
  const sqlite3_uint64 ids_and_arguments =
      bit(columns.id) | bit(columns.capture) | bit(columns.query) | bit(columns.filter) | bit(columns.doc_ref);
  if ((info->colUsed & ~ids_and_arguments) == 0 && !has("FtT")) info->idxNum |= kPlanIdsOnly;
}

namespace {

// An id bound as an integer; a REAL bound is rounded the way the comparison needs.
bool integer_bound(sqlite3_value *v, char code, int64_t &out) {
  int type = sqlite3_value_numeric_type(v);
  if (type == SQLITE_INTEGER) {
    out = sqlite3_value_int64(v);
    return true;
  }
  if (type == SQLITE_FLOAT) {
    double d = sqlite3_value_double(v);
    if (std::isnan(d)) return false;
    if (d > 9.2e18) d = 9.2e18;
    if (d < -9.2e18) d = -9.2e18;
    switch (code) {
      case '=':
        if (d != std::floor(d)) return false;
        out = int64_t(d);
        return true;
      case '>':
        out = int64_t(std::floor(d));
        return true;
      case 'g':
        out = int64_t(std::ceil(d));
        return true;
      case '<':
        out = int64_t(std::ceil(d));
        return true;
      case 'l':
        out = int64_t(std::floor(d));
        return true;
    }
  }
  return false;  // NULL or text: no row compares true
}

}  // namespace

ScanArguments scan_arguments(const TableCall &call) {
  ScanArguments a;
  a.capture = call.text(0);
  a.query = call.text(1);
  a.filter = call.text(2);
  for (const auto &[code, v] : call.pushdowns()) {
    int64_t n = 0;
    switch (code) {
      case '=':
      case '>':
      case 'g':
      case '<':
      case 'l':
        if (!integer_bound(v, code, n)) {
          a.empty = true;
          break;
        }
        if (code == '=') {
          a.id_min = std::max(a.id_min, n);
          a.id_max = std::min(a.id_max, n);
        } else if (code == '>')
          a.id_min = std::max(a.id_min, n == INT64_MAX ? n : n + 1);
        else if (code == 'g')
          a.id_min = std::max(a.id_min, n);
        else if (code == '<')
          a.id_max = std::min(a.id_max, n == INT64_MIN ? n : n - 1);
        else
          a.id_max = std::min(a.id_max, n);
        break;
      case 'F':
        if (!integer_bound(v, '=', n)) {
          a.empty = true;
          break;
        }
        if (a.flow && *a.flow != n) a.empty = true;
        a.flow = n;
        break;
      case 't':
      case 'T': {
        int type = sqlite3_value_numeric_type(v);
        if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) break;  // SQLite re-checks
        double d = sqlite3_value_double(v);
        if (code == 't')
          a.time_min = a.time_min ? std::max(*a.time_min, d) : d;
        else
          a.time_max = a.time_max ? std::min(*a.time_max, d) : d;
        break;
      }
    }
  }
  if (a.id_min > a.id_max) a.empty = true;
  return a;
}

}  // namespace xtractr
