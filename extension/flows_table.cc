/*
** flows_table.cc — `flows(capture [, query [, filter]])`: one row per bidirectional flow.
**
** Usage:
**
**   SELECT src, dst, dport, service, packets, bytes FROM flows('evidence/day1.pcapng')
**    ORDER BY bytes DESC LIMIT 10;
**   SELECT service, count(*), sum(bytes) FROM flows('evidence/day1.pcapng') GROUP BY 1;
**   SELECT * FROM packets('evidence/day1.pcapng') WHERE flow = 42;    -- a flow's frames
**
** How it works: flows are classified while the capture is indexed (dissect/flow_classifier.h):
** a TCP flow is one tcp.stream, a UDP flow one udp.stream, other IP traffic an address pair
** and protocol, non-IP traffic a link-layer pair; the client is the initiator. `first` and
** `last` are packet ids; `cmsgs`/`smsgs` count application messages (runs of payload in
** one direction; every datagram for UDP). See index_table.cc for the module itself.
*/
#include "extension/capture_tables.h"
#include "index/doc_builder.h"

namespace xtractr {

namespace {

// Virtual-table columns, in schema order.
enum FlowColumn {
  FLOW_ID,
  FLOW_PCAP,
  FLOW_SRC,
  FLOW_DST,
  FLOW_SPORT,
  FLOW_DPORT,
  FLOW_PROTO,
  FLOW_SERVICE,
  FLOW_TITLE,
  FLOW_PACKETS,
  FLOW_BYTES,
  FLOW_CMSGS,
  FLOW_SMSGS,
  FLOW_FIRST,
  FLOW_LAST,
  FLOW_TIME,
  FLOW_DURATION,
  FLOW_COMMUNITY_ID,
  FLOW_CAPTURE,
  FLOW_QUERY,
  FLOW_FILTER,
  FLOW_DOC
};
const char kSchema[] =
    "CREATE TABLE x(id INTEGER, pcap TEXT, src TEXT, dst TEXT, sport INTEGER, dport INTEGER,"
    " proto INTEGER, service TEXT, title TEXT, packets INTEGER, bytes INTEGER, cmsgs INTEGER,"
    " smsgs INTEGER, first INTEGER, last INTEGER, time REAL, duration REAL, community_id TEXT,"
    " capture HIDDEN, query HIDDEN, filter HIDDEN, doc HIDDEN)";
// Statement columns 0..18 (the order DocBuilder::flow_doc reads too).
const char kSelect[] =
    "SELECT id, src, dst, sport, dport, proto, service, title, packets, bytes, cmsgs, smsgs, first,"
    " last, time, duration, community_id, tcp_stream, udp_stream FROM flows";

std::string flow_doc(DocBuilder &, const CollectionMember &member, sqlite3_stmt *row) {
  return DocBuilder::flow_doc(member, row);
}

}  // namespace

const TableSpec flows_spec = {
    "flows",
    kSchema,
    kSelect,
    {
        {ColumnSource::FlowId, 0},     // FLOW_ID
        {ColumnSource::Pcap, -1},      // FLOW_PCAP
        {ColumnSource::Plain, 1},      // FLOW_SRC
        {ColumnSource::Plain, 2},      // FLOW_DST
        {ColumnSource::Plain, 3},      // FLOW_SPORT
        {ColumnSource::Plain, 4},      // FLOW_DPORT
        {ColumnSource::Plain, 5},      // FLOW_PROTO
        {ColumnSource::Plain, 6},      // FLOW_SERVICE
        {ColumnSource::Plain, 7},      // FLOW_TITLE
        {ColumnSource::Plain, 8},      // FLOW_PACKETS
        {ColumnSource::Plain, 9},      // FLOW_BYTES
        {ColumnSource::Plain, 10},     // FLOW_CMSGS
        {ColumnSource::Plain, 11},     // FLOW_SMSGS
        {ColumnSource::PacketId, 12},  // FLOW_FIRST
        {ColumnSource::PacketId, 13},  // FLOW_LAST
        {ColumnSource::Plain, 14},     // FLOW_TIME
        {ColumnSource::Plain, 15},     // FLOW_DURATION
        {ColumnSource::Plain, 16},     // FLOW_COMMUNITY_ID
        {ColumnSource::CaptureArg, -1}, {ColumnSource::QueryArg, -1},
        {ColumnSource::FilterArg, -1},  {ColumnSource::Doc, -1},  // FLOW_DOC
    },
    FLOW_ID,
    FLOW_CAPTURE,
    FLOW_QUERY,
    FLOW_FILTER,
    -1,
    -1,
    /* rows_are_flows */ true,
    flow_doc,
};

}  // namespace xtractr
