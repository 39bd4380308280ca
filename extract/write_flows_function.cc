/*
** write_flows_function.cc — xtractr_write_flows(path, capture, flow [, 'overwrite']): every
** frame of the chosen flows, into a new capture file.
**
** Usage:
**
**   SELECT xtractr_write_flows('smb.pcapng', 'day1.pcapng', id)
**     FROM flows('day1.pcapng') WHERE service = 'SMB2';
**   SELECT xtractr_write_flows('one.pcap', 'day1.pcap', 42);
**   SELECT xtractr_write_flows('dns-' || c || '.pcap', c, id)                -- one file per capture
**     FROM (SELECT 'day1.pcap' AS c UNION ALL SELECT 'day2.pcap'), flows(c)
**    WHERE service = 'DNS' GROUP BY c;
**
** The same aggregate as xtractr_write_pcap (slice_writer.h) over flow ids: each flow's frames
** come from the index (packets.flow); the file holds them all in frame order, each once.
** SQLITE_DIRECTONLY; refuses to overwrite unless 'overwrite'. Each row's flow is a flow of
** that row's capture; a NULL or unknown flow is an error naming it, and nothing is written.
*/
#include "extract/extract_sql.h"
#include "extract/slice_writer.h"

namespace xtractr {

namespace {

const char kName[] = "xtractr_write_flows";
void step(sqlite3_context *ctx, int argc, sqlite3_value **argv) { slice_step(ctx, argc, argv, SliceIds::Flows, kName); }
void final(sqlite3_context *ctx) { slice_final(ctx, SliceIds::Flows, kName); }

}  // namespace

const FunctionSpec write_flows_functions[] = {
    {kName,
     3,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     nullptr,
     step,
     final,
     {"xtractr_write_flows(path, capture, flow [, 'overwrite'])",
      "aggregate: writes every frame of the rows' flows to a new pcapng or pcap file; returns the frames written",
      "SELECT xtractr_write_flows('http.pcapng', 'examples/wikipedia_browse.pcap', id) FROM "
      "flows('examples/wikipedia_browse.pcap') WHERE service = 'HTTP'"}},
    {kName, 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr, step, final},
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

}  // namespace xtractr
