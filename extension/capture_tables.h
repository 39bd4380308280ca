// capture_tables.h — the machinery shared by the `packets` and `flows` table-valued functions.
//
// Both are eponymous-only virtual tables over a table of every capture index in a
// collection: hidden argument columns (capture, query, filter — the table-valued function's
// arguments, so they come first among the hidden columns), an id with range pushdown,
// an optional flow/time pushdown (packets), a lazily built `doc` column, and `docref`, a
// reference to the row's doc that is read one member at a time (core/doc_ref.h). A TableSpec
// says how one of them maps its columns; capture_tables.cc makes each a TableFunction
// (core/table_function.h) with the pushdowns of scan_plan.h.
#pragma once

#include <string>
#include <vector>

#include "core/sqlite_api.h"
#include "core/table_function.h"
#include "index/capture_collection.h"
#include "index/table_columns.h"

namespace xtractr {

class DocBuilder;

// How a virtual-table column is produced from the index row.
enum class ColumnSource {
  Plain,       // the statement column as stored
  PacketId,    // a packet id: statement column + the member's id base
  FlowId,      // a flow id: statement column + the member's flow base
  Pcap,        // the capture file's path
  Doc,         // the JSON doc
  DocRef,      // a reference to the doc, read member by member (core/doc_ref.h)
  BlockText,   // a packet's src, dst or title, kept in its field block (statement_column: which)
  CaptureArg,  // the hidden arguments, echoed back by table_function.cc
  QueryArg,
  FilterArg,
};

struct ColumnSpec {
  ColumnSource source;
  int statement_column;  // for Plain/PacketId/FlowId; the BlockTextColumn for BlockText
};

struct TableSpec {
  const char *name;    // "packets" or "flows", for messages
  std::string schema;  // CREATE TABLE x(...) (vtab_schema of the registry)
  std::string select;  // SELECT ... FROM <index table> (no WHERE)
  std::vector<ColumnSpec> columns;
  int id_column, capture_column, query_column, filter_column, doc_ref_column;
  int flow_column = -1, time_column = -1;  // pushdowns only packets has
  bool rows_are_flows;                     // ids count flows rather than frames
  // builds the doc of the current row
  std::string (*doc)(DocBuilder &builder, const CollectionMember &member, sqlite3_stmt *row);
  SqlHelp help = {};  // for xtractr_help()
};

// The spec of a table whose columns are `columns` (index/table_columns.h): schema, select and
// column sources generated from the registry; the hidden arguments follow the visible columns.
TableSpec make_table_spec(const char *name, const TableColumns &columns, bool rows_are_flows,
                          std::string (*doc)(DocBuilder &, const CollectionMember &, sqlite3_stmt *), SqlHelp help);

const TableSpec &packets_spec();
const TableSpec &flows_spec();

// The table functions, made on first use.
const TableFunction &packets_table();
const TableFunction &flows_table();

}  // namespace xtractr
