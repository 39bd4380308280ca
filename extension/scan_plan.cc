// scan_plan.cc — see scan_plan.h.
#include "extension/scan_plan.h"

#include <cmath>
#include <cstring>

namespace xtractr {

int plan_scan(sqlite3_index_info *info, const ScanColumns &columns) {
  std::string plan;
  int argv_index = 0;
  bool have_capture = false, capture_unusable = false, by_id = false, by_flow = false, by_time = false;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto &c = info->aConstraint[i];
    char code = 0;
    bool omit = true;
    if (c.iColumn == columns.capture && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
      if (!c.usable) {
        capture_unusable = true;
        continue;
      }
      if (have_capture) continue;
      code = 'c';
      have_capture = true;
    } else if (!c.usable) {
      continue;
    } else if (c.iColumn == columns.query && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
      code = 'q';
    } else if (c.iColumn == columns.filter && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
      code = 'f';
    } else if (c.iColumn == columns.id || c.iColumn == -1) {
      switch (c.op) {
        case SQLITE_INDEX_CONSTRAINT_EQ:
          code = '=';
          break;
        case SQLITE_INDEX_CONSTRAINT_GT:
          code = '>';
          break;
        case SQLITE_INDEX_CONSTRAINT_GE:
          code = 'g';
          break;
        case SQLITE_INDEX_CONSTRAINT_LT:
          code = '<';
          break;
        case SQLITE_INDEX_CONSTRAINT_LE:
          code = 'l';
          break;
        default:
          break;
      }
      if (code) by_id = true;
    } else if (columns.flow >= 0 && c.iColumn == columns.flow && c.op == SQLITE_INDEX_CONSTRAINT_EQ) {
      code = 'F';
      by_flow = true;
    } else if (columns.time >= 0 && c.iColumn == columns.time) {
      if (c.op == SQLITE_INDEX_CONSTRAINT_GT || c.op == SQLITE_INDEX_CONSTRAINT_GE)
        code = 't';
      else if (c.op == SQLITE_INDEX_CONSTRAINT_LT || c.op == SQLITE_INDEX_CONSTRAINT_LE)
        code = 'T';
      omit = false;  // bounds are applied inclusively; SQLite re-checks strictness
      if (code) by_time = true;
    }
    if (!code) continue;
    info->aConstraintUsage[i].argvIndex = ++argv_index;
    info->aConstraintUsage[i].omit = omit;
    plan.push_back(code);
  }
  if (!have_capture) {
    // Without a capture there is nothing to scan; make such plans unattractive, and
    // impossible when the capture is there but not yet usable (a join).
    if (capture_unusable) return SQLITE_CONSTRAINT;
    info->estimatedCost = 1e30;
  } else if (plan.find('=') != std::string::npos) {
    info->estimatedCost = 1;
    info->estimatedRows = 1;
    info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
  } else if (by_flow) {
    info->estimatedCost = 100;
    info->estimatedRows = 100;
  } else if (by_id || by_time) {
    info->estimatedCost = 10000;
    info->estimatedRows = 10000;
  } else {
    info->estimatedCost = 1000000;
    info->estimatedRows = 1000000;
  }
  if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == columns.id && !info->aOrderBy[0].desc) {
    info->orderByConsumed = 1;
    info->idxNum = 1;
  }
  info->idxStr = sqlite3_mprintf("%s", plan.c_str());
  info->needToFreeIdxStr = 1;
  return SQLITE_OK;
}

namespace {

std::optional<std::string> text_of(sqlite3_value *v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  const unsigned char *t = sqlite3_value_text(v);
  return std::string(reinterpret_cast<const char *>(t), size_t(sqlite3_value_bytes(v)));
}

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

ScanArguments decode_scan(const char *idx_str, int argc, sqlite3_value **argv) {
  ScanArguments a;
  for (int i = 0; i < argc && idx_str && idx_str[i]; ++i) {
    char code = idx_str[i];
    sqlite3_value *v = argv[i];
    int64_t n = 0;
    switch (code) {
      case 'c':
        a.capture = text_of(v);
        break;
      case 'q':
        a.query = text_of(v);
        break;
      case 'f':
        a.filter = text_of(v);
        break;
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
