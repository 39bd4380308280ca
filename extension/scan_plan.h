// scan_plan.h — the xBestIndex/xFilter contract shared by the `packets` and `flows` tables.
//
// Layered on core/table_function.h: the arguments (capture, query, filter) are the table
// function's; the id/flow/time bounds are its pushdowns. Plan encoding: idxStr holds one
// character per argv[] value passed to xFilter, in constraint order:
//
//   char | constraint             | use
//   -----+------------------------+-------------------------------------------------
//    c   | capture = ?            | required: which capture (file, directory or glob)
//    q   | query = ?              | xtractr search language
//    f   | filter = ?             | Wireshark display filter
//    =   | id = ?                 | one row, found by primary key
//    >   | id > ?                 | lower bound on id
//    g   | id >= ?                | lower bound on id
//    <   | id < ?                 | upper bound on id
//    l   | id <= ?                | upper bound on id
//    F   | flow = ?               | (packets) the frames of one flow, by index
//    t   | time > ? or time >= ?  | (packets) lower bound on time, by index; SQLite re-checks
//    T   | time < ? or time <= ?  | (packets) upper bound on time, by index; SQLite re-checks
//
// idxNum bit 1 (kPlanOrdered): the rows come out in id order and ORDER BY id was consumed;
// bit 2 (kPlanIdsOnly): no column but the id, the docref and the arguments is read (colUsed), and
// no flow or time bound applies: the rows are ids alone — a search's ids, or every id of the
// id range (an index's frames and flows are numbered 1, 2, … without gaps) — and no row of
// index.db is read: `SELECT count(*)`, `SELECT id`, `mapreduce(docref, …)`.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/sqlite_api.h"
#include "core/table_function.h"

namespace xtractr {

constexpr int kPlanOrdered = 1;
constexpr int kPlanIdsOnly = 2;

struct ScanColumns {
  int id, capture, query, filter;
  int flow = -1, time = -1;  // -1 when the table has no such pushdown
  int doc_ref = -1;          // the docref column, which needs only the id
};

// xBestIndex: the code of a usable constraint that is not an argument (0: not pushed down).
char scan_pushdown(const IndexConstraint &c, const ScanColumns &columns, bool &omit);
// xBestIndex: costs and ORDER BY id, once the plan string is known.
void scan_cost(sqlite3_index_info *info, const std::string &plan, const ScanColumns &columns, bool have_capture);

// The decoded arguments of one xFilter call.
struct ScanArguments {
  std::optional<std::string> capture, query, filter;
  int64_t id_min = std::numeric_limits<int64_t>::min();
  int64_t id_max = std::numeric_limits<int64_t>::max();
  std::optional<int64_t> flow;
  std::optional<double> time_min, time_max;
  bool empty = false;  // a constraint no row can meet (e.g. id = NULL)
};
// xFilter: the arguments and the pushed-down bounds.
ScanArguments scan_arguments(const TableCall &call);

}  // namespace xtractr
