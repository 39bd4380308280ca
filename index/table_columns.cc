// table_columns.cc — see table_columns.h.
#include "index/table_columns.h"

namespace xtractr {

namespace {

#define XTRACTR_COLUMN_DEF(id, name, type, origin, block, key) {#name, #type, ColumnOrigin::origin, block, key},
const ColumnDef kPacketDefs[] = {XTRACTR_PACKET_COLUMNS(XTRACTR_COLUMN_DEF)};
const ColumnDef kFlowDefs[] = {XTRACTR_FLOW_COLUMNS(XTRACTR_COLUMN_DEF)};
#undef XTRACTR_COLUMN_DEF

const TableColumns kPackets = {"packets", kPacketDefs, sizeof kPacketDefs / sizeof *kPacketDefs};
const TableColumns kFlows = {"flows", kFlowDefs, sizeof kFlowDefs / sizeof *kFlowDefs};

}  // namespace

const TableColumns &packet_columns() { return kPackets; }
const TableColumns &flow_columns() { return kFlows; }

bool is_stored(const ColumnDef &def) {
  return def.origin == ColumnOrigin::Stored || def.origin == ColumnOrigin::PacketId ||
         def.origin == ColumnOrigin::FlowId || def.origin == ColumnOrigin::Internal;
}

int stored_column(const TableColumns &t, int column) {
  if (column < 0 || size_t(column) >= t.count || !is_stored(t.defs[column])) return -1;
  int position = 0;
  for (int c = 0; c < column; ++c) position += is_stored(t.defs[c]);
  return position;
}

std::string index_table_schema(const TableColumns &t) {
  std::string sql = std::string("CREATE TABLE ") + t.table + "(";
  bool first = true;
  for (size_t c = 0; c < t.count; ++c) {
    if (!is_stored(t.defs[c])) continue;
    sql += std::string(first ? "" : ", ") + t.defs[c].name + " " + t.defs[c].sql_type;
    if (first) sql += " PRIMARY KEY";  // the id
    first = false;
  }
  return sql + ");";
}

std::string index_insert_sql(const TableColumns &t) {
  std::string sql = std::string("INSERT INTO ") + t.table + " VALUES(";
  int n = 0;
  for (size_t c = 0; c < t.count; ++c) {
    if (!is_stored(t.defs[c])) continue;
    sql += n > 0 ? ",?" : "?";
    sql += std::to_string(++n);
  }
  return sql + ")";
}

std::string index_select_sql(const TableColumns &t) {
  std::string sql = "SELECT ";
  bool first = true;
  for (size_t c = 0; c < t.count; ++c) {
    if (!is_stored(t.defs[c])) continue;
    sql += first ? "" : ", ";
    // packets.caplen is stored only when the frame was cut short (index_writer.cc)
    sql += &t == &packet_columns() && c == PKT_CAPLEN ? "ifnull(caplen, length)" : t.defs[c].name;
    first = false;
  }
  return sql + " FROM " + t.table;
}

std::string vtab_schema(const TableColumns &t) {
  std::string sql = "CREATE TABLE x(";
  for (size_t c = 0; c < t.count; ++c)
    if (is_visible(t.defs[c])) sql += std::string(t.defs[c].name) + " " + t.defs[c].sql_type + ", ";
  return sql + "capture HIDDEN, query HIDDEN, filter HIDDEN, doc HIDDEN, docref HIDDEN)";
}

}  // namespace xtractr
