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

// Columns: index/table_columns.h (XTRACTR_FLOW_COLUMNS).
std::string flow_doc(DocBuilder &, const CollectionMember &member, sqlite3_stmt *row) {
  return DocBuilder::flow_doc(member, row);
}

}  // namespace

const TableSpec &flows_spec() {
  static const TableSpec spec = make_table_spec(
      "flows", flow_columns(), /* rows_are_flows */ true, flow_doc,
      {"flows(capture [, query [, filter]])",
       "one row per bidirectional flow (TCP/UDP stream, IP or link-layer pair) with its packets and bytes",
       "SELECT src, dst, dport, service, packets, bytes FROM flows('examples/wikipedia_browse.pcap') ORDER BY bytes "
       "DESC LIMIT 10"});
  return spec;
}

}  // namespace xtractr
