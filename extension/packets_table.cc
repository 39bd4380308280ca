/*
** packets_table.cc — `packets(capture [, query [, filter]])`: one row per frame.
**
** Usage:
**
**   SELECT id, time, src, dst, service, title FROM packets('evidence/day1.pcapng') LIMIT 3;
**   SELECT field(doc, 'http.host'), count(*) FROM packets('evidence/day1.pcapng')
**    WHERE service = 'HTTP' GROUP BY 1;
**   SELECT doc FROM packets('evidence/day1.pcapng') WHERE id = 169;   -- no scan
**   SELECT field(docref, 'ip.src'), count(*) FROM packets('evidence/day1.pcapng') GROUP BY 1;
**     -- docref: the doc read one field at a time (core/doc_ref.h), same answers as doc
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

// Columns: index/table_columns.h (XTRACTR_PACKET_COLUMNS).
std::string packet_doc(DocBuilder &builder, const CollectionMember &member, sqlite3_stmt *row) {
  return builder.packet_doc(member, row);
}

}  // namespace

const TableSpec &packets_spec() {
  static const TableSpec spec =
      make_table_spec("packets", packet_columns(), /* rows_are_flows */ false, packet_doc,
                      {"packets(capture [, query [, filter]])",
                       "one row per frame of a capture, folder or glob (indexed on first use); doc holds every field",
                       "SELECT id, time, src, dst, service, title FROM packets('examples/wikipedia_browse.pcap', "
                       "'http.host:*') LIMIT 10"});
  return spec;
}

}  // namespace xtractr
