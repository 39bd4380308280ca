/*
** packets_table.cc — `packets(capture [, query [, filter]])`: one row per frame.
**
** Usage:
**
**   SELECT id, time, src, dst, service, title FROM packets('evidence/day1.pcapng') LIMIT 3;
**   SELECT field(doc, 'http.host'), count(*) FROM packets('evidence/day1.pcapng')
**    WHERE service = 'HTTP' GROUP BY 1;
**   SELECT doc FROM packets('evidence/day1.pcapng') WHERE id = 169;   -- no scan
**   SELECT pcap, count(*) FROM packets('evidence/day*.pcap') GROUP BY 1;  -- a collection
**
** How it works: the first use of a capture indexes it (capture_index.h); every later query
** reads the index only. id (= tshark's frame.number), flow and time constraints are pushed
** down to the index (scan_plan.h); see index_table.cc for the module itself.
*/
#include "extension/capture_tables.h"
#include "index/doc_builder.h"

namespace xtractr {

namespace {

// Virtual-table columns, in schema order.
enum PacketColumn {
  PKT_ID,
  PKT_PCAP,
  PKT_OFFSET,
  PKT_LENGTH,
  PKT_CAPLEN,
  PKT_TIME,
  PKT_FLOW,
  PKT_DIR,
  PKT_SRC,
  PKT_DST,
  PKT_SPORT,
  PKT_DPORT,
  PKT_PROTO,
  PKT_SERVICE,
  PKT_TITLE,
  PKT_CAPTURE,
  PKT_QUERY,
  PKT_FILTER,
  PKT_DOC
};
const char kSchema[] =
    "CREATE TABLE x(id INTEGER, pcap TEXT, offset INTEGER, length INTEGER, caplen INTEGER, time REAL,"
    " flow INTEGER, dir INTEGER, src TEXT, dst TEXT, sport INTEGER, dport INTEGER, proto INTEGER,"
    " service TEXT, title TEXT, capture HIDDEN, query HIDDEN, filter HIDDEN, doc HIDDEN)";
// Statement columns 0..10 (the order DocBuilder::packet_doc reads too). src, dst and title
// live in the frame's field block (doc_codec.h): long, repetitive text compresses far better
// there than in a table row.
const char kSelect[] = "SELECT id, offset, length, caplen, time, flow, dir, sport, dport, proto, service FROM packets";

std::string packet_doc(DocBuilder &builder, const CollectionMember &member, sqlite3_stmt *row) {
  return builder.packet_doc(member, row);
}

}  // namespace

const TableSpec packets_spec = {
    "packets",
    kSchema,
    kSelect,
    {
        {ColumnSource::PacketId, 0},             // PKT_ID
        {ColumnSource::Pcap, -1},                // PKT_PCAP
        {ColumnSource::Plain, 1},                // PKT_OFFSET
        {ColumnSource::Plain, 2},                // PKT_LENGTH
        {ColumnSource::Plain, 3},                // PKT_CAPLEN
        {ColumnSource::Plain, 4},                // PKT_TIME
        {ColumnSource::FlowId, 5},               // PKT_FLOW
        {ColumnSource::Plain, 6},                // PKT_DIR
        {ColumnSource::BlockText, kBlockSrc},    // PKT_SRC
        {ColumnSource::BlockText, kBlockDst},    // PKT_DST
        {ColumnSource::Plain, 7},                // PKT_SPORT
        {ColumnSource::Plain, 8},                // PKT_DPORT
        {ColumnSource::Plain, 9},                // PKT_PROTO
        {ColumnSource::Plain, 10},               // PKT_SERVICE
        {ColumnSource::BlockText, kBlockTitle},  // PKT_TITLE
        {ColumnSource::CaptureArg, -1},
        {ColumnSource::QueryArg, -1},
        {ColumnSource::FilterArg, -1},
        {ColumnSource::Doc, -1},  // PKT_DOC
    },
    PKT_ID,
    PKT_CAPTURE,
    PKT_QUERY,
    PKT_FILTER,
    PKT_FLOW,
    PKT_TIME,
    /* rows_are_flows */ false,
    packet_doc,
};

}  // namespace xtractr
