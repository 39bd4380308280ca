/*
** write_pcap_function.cc — xtractr_write_pcap(path, capture, id [, 'overwrite']): carve frames
** into a new capture file.
**
** Usage:
**
**   SELECT xtractr_write_pcap('evil.pcapng', 'day1.pcapng', id)
**     FROM packets('day1.pcapng', 'dns.qry.name:*.evil.example');       -- 12
**   SELECT xtractr_write_pcap('first100.pcap', 'day1.pcap', id)
**     FROM packets('day1.pcap') WHERE id <= 100;                         -- 100
**   SELECT xtractr_write_pcap('slice.pcapng', 'day1.pcapng', id, 'overwrite') FROM ...;
**   SELECT xtractr_write_pcap('both.pcapng', c, id)                        -- two captures
**     FROM (SELECT 'a.pcap' AS c, 1 AS id UNION ALL SELECT 'b.pcap', 2);
**
** An aggregate: the frames of every row, in frame order whatever the row order, each once,
** byte for byte with its time stamp, interface and link type (slice_writer.h,
** capture_writer.h). pcapng or pcap by the path's extension (.gz compresses). It refuses
** to replace an existing file unless the 4th argument is 'overwrite', leaves no partial file
** on error, and is SQLITE_DIRECTONLY: a schema, view or trigger cannot make it write files.
** Every argument is its own row's: rows of several captures go into one file (file by file,
** by path); the path and option must not change between rows (GROUP BY the path for several
** files). A NULL, non-integer or unknown id is an error naming it, and nothing is written.
** The result is the number of frames written.
*/
#include "extract/extract_sql.h"
#include "extract/slice_writer.h"

namespace xtractr {

namespace {

const char kName[] = "xtractr_write_pcap";
void step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  slice_step(ctx, argc, argv, SliceIds::Packets, kName);
}
void final(sqlite3_context *ctx) { slice_final(ctx, SliceIds::Packets, kName); }

}  // namespace

const FunctionSpec write_pcap_functions[] = {
    {kName,
     3,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     nullptr,
     step,
     final,
     {"xtractr_write_pcap(path, capture, id [, 'overwrite'])",
      "aggregate: writes the rows' frames, byte for byte, to a new pcapng or pcap file; returns the frames written",
      "SELECT xtractr_write_pcap('dns.pcapng', 'examples/wikipedia_browse.pcap', id) FROM "
      "packets('examples/wikipedia_browse.pcap', 'pkt.service:dns')"}},
    {kName, 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr, step, final},
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

}  // namespace xtractr
