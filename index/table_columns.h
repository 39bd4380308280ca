// table_columns.h — the one definition of the columns of `packets` and `flows`.
//
// Usage (C++):
//
//   // index/index_builder.cc: the index table's schema and insert, from the registry
//   db.exec(index_table_schema(packet_columns()));
//   Statement insert(db.get(), index_insert_sql(packet_columns()));
//   insert.bind(stored_parameter(packet_columns(), PKT_LENGTH), int64_t(frame.length));
//
//   // extension/packets_table.cc: the virtual table's schema and column sources
//   sqlite3_declare_vtab(db, vtab_schema(packet_columns()).c_str());
//
// Adding a column: one line in XTRACTR_PACKET_COLUMNS or XTRACTR_FLOW_COLUMNS below, plus the
// bind of its value where the builder writes rows (index_builder.cc). The index table's
// schema and INSERT, the SELECT the tables read, the virtual table's schema and column
// sources, the `doc` keys and the query language's `flow.*` names all follow from the list
// (bump kIndexSchemaVersion: the stored layout changed).
//
// How it works: an X-macro list per table gives, for each column in the order the virtual
// table shows it, its name (= the `doc` key, = the query name after "pkt." / "flow."), its SQL
// type and where its value comes from. Columns of origin Stored, PacketId or FlowId are the
// columns of the index table in index.db, in list order (the "statement columns"); Pcap comes
// from the collection member, BlockText from the frame's field block; Internal columns are
// stored but not shown (they appear in the doc under `doc_key`).
#pragma once

#include <cstddef>
#include <string>

namespace xtractr {

enum class ColumnOrigin {
  Stored,     // a column of the index table, shown as stored
  PacketId,   // stored; a packet id, shown + the member's id base (collections continue ids)
  FlowId,     // stored; a flow id, shown + the member's flow base (NULL: none, e.g. no tunnel)
  Pcap,       // not stored: the capture file's path
  BlockText,  // stored in the frame's field block (src, dst, title: repetitive text compresses there)
  Internal,   // stored, not a table column; in the doc under doc_key when not NULL
};

// The text columns every block keeps per frame (DocBuilder::block_text).
enum BlockTextColumn { kBlockTitle = 0, kBlockSrc = 1, kBlockDst = 2 };

struct ColumnDef {
  const char *name;
  const char *sql_type;  // INTEGER, REAL, TEXT
  ColumnOrigin origin;
  int block_text;       // BlockTextColumn, for BlockText
  const char *doc_key;  // for Internal
};

// name, SQL type, origin, block text column, doc key (Internal only)
#define XTRACTR_PACKET_COLUMNS(X)                            \
  X(PKT_ID, id, INTEGER, PacketId, -1, nullptr)              \
  X(PKT_PCAP, pcap, TEXT, Pcap, -1, nullptr)                 \
  X(PKT_OFFSET, offset, INTEGER, Stored, -1, nullptr)        \
  X(PKT_LENGTH, length, INTEGER, Stored, -1, nullptr)        \
  X(PKT_CAPLEN, caplen, INTEGER, Stored, -1, nullptr)        \
  X(PKT_TIME, time, REAL, Stored, -1, nullptr)               \
  X(PKT_FLOW, flow, INTEGER, FlowId, -1, nullptr)            \
  X(PKT_DIR, dir, INTEGER, Stored, -1, nullptr)              \
  X(PKT_SRC, src, TEXT, BlockText, kBlockSrc, nullptr)       \
  X(PKT_DST, dst, TEXT, BlockText, kBlockDst, nullptr)       \
  X(PKT_SPORT, sport, INTEGER, Stored, -1, nullptr)          \
  X(PKT_DPORT, dport, INTEGER, Stored, -1, nullptr)          \
  X(PKT_PROTO, proto, INTEGER, Stored, -1, nullptr)          \
  X(PKT_SERVICE, service, TEXT, Stored, -1, nullptr)         \
  X(PKT_TITLE, title, TEXT, BlockText, kBlockTitle, nullptr) \
  X(PKT_TUNNEL, tunnel, INTEGER, FlowId, -1, nullptr)

#define XTRACTR_FLOW_COLUMNS(X)                                       \
  X(FLOW_ID, id, INTEGER, FlowId, -1, nullptr)                        \
  X(FLOW_PCAP, pcap, TEXT, Pcap, -1, nullptr)                         \
  X(FLOW_SRC, src, TEXT, Stored, -1, nullptr)                         \
  X(FLOW_DST, dst, TEXT, Stored, -1, nullptr)                         \
  X(FLOW_SPORT, sport, INTEGER, Stored, -1, nullptr)                  \
  X(FLOW_DPORT, dport, INTEGER, Stored, -1, nullptr)                  \
  X(FLOW_PROTO, proto, INTEGER, Stored, -1, nullptr)                  \
  X(FLOW_SERVICE, service, TEXT, Stored, -1, nullptr)                 \
  X(FLOW_TITLE, title, TEXT, Stored, -1, nullptr)                     \
  X(FLOW_PACKETS, packets, INTEGER, Stored, -1, nullptr)              \
  X(FLOW_BYTES, bytes, INTEGER, Stored, -1, nullptr)                  \
  X(FLOW_CMSGS, cmsgs, INTEGER, Stored, -1, nullptr)                  \
  X(FLOW_SMSGS, smsgs, INTEGER, Stored, -1, nullptr)                  \
  X(FLOW_FIRST, first, INTEGER, PacketId, -1, nullptr)                \
  X(FLOW_LAST, last, INTEGER, PacketId, -1, nullptr)                  \
  X(FLOW_TIME, time, REAL, Stored, -1, nullptr)                       \
  X(FLOW_DURATION, duration, REAL, Stored, -1, nullptr)               \
  X(FLOW_COMMUNITY_ID, community_id, TEXT, Stored, -1, nullptr)       \
  X(FLOW_TUNNEL, tunnel, INTEGER, FlowId, -1, nullptr)                \
  X(FLOW_TCP_STREAM, tcp_stream, INTEGER, Internal, -1, "tcp.stream") \
  X(FLOW_UDP_STREAM, udp_stream, INTEGER, Internal, -1, "udp.stream")

#define XTRACTR_COLUMN_ENUM(id, name, type, origin, block, key) id,
enum PacketColumn { XTRACTR_PACKET_COLUMNS(XTRACTR_COLUMN_ENUM) kPacketColumnCount };
enum FlowColumn { XTRACTR_FLOW_COLUMNS(XTRACTR_COLUMN_ENUM) kFlowColumnCount };
#undef XTRACTR_COLUMN_ENUM

struct TableColumns {
  const char *table;  // the index table in index.db: "packets" or "flows"
  const ColumnDef *defs;
  size_t count;
};
const TableColumns &packet_columns();
const TableColumns &flow_columns();

// Whether the column is a column of the index table.
bool is_stored(const ColumnDef &def);
// Whether the column is a column of the virtual table (all but Internal).
inline bool is_visible(const ColumnDef &def) { return def.origin != ColumnOrigin::Internal; }

// The column's position among the index table's columns (its statement column in
// index_select_sql, 0-based), -1 if not stored there.
int stored_column(const TableColumns &t, int column);
// The same, as a 1-based parameter of index_insert_sql.
inline int stored_parameter(const TableColumns &t, int column) { return stored_column(t, column) + 1; }

// CREATE TABLE <table>(id INTEGER PRIMARY KEY, ...) — the index table in index.db.
std::string index_table_schema(const TableColumns &t);
// INSERT INTO <table> VALUES(?1, ...).
std::string index_insert_sql(const TableColumns &t);
// SELECT <stored columns> FROM <table> (no WHERE).
std::string index_select_sql(const TableColumns &t);
// CREATE TABLE x(<visible columns>, capture HIDDEN, query HIDDEN, filter HIDDEN, doc HIDDEN, docref HIDDEN).
std::string vtab_schema(const TableColumns &t);

}  // namespace xtractr
