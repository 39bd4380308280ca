/*
** stream_table.cc — xtractr_stream(capture, flow [, layer]): a flow's application data,
** reassembled, as messages; with layer 'tls', the TLS session's decrypted application data.
**
** Usage:
**
**   SELECT seq, dir, time, packet, length(data), gap FROM xtractr_stream('day1.pcapng', 42);
**   SELECT group_concat(CAST(data AS TEXT), '') FROM xtractr_stream('day1.pcapng', 42) WHERE dir = 0;
**   SELECT f.id, s.seq, s.data FROM flows('day1.pcapng') f, xtractr_stream('day1.pcapng', f.id) s
**    WHERE f.service = 'HTTP';
**   SELECT dir, CAST(data AS TEXT) FROM xtractr_stream('day1.pcapng', 7, 'tls');  -- decrypted
**
** Columns: seq (1, 2, … in stream order), dir (0 client→server, 1 server→client, as in
** `packets`), time and packet (the first frame of the message), data (BLOB), gap (0, or the
** number of bytes the capture is missing at this point: such a row has no data).
** layer: NULL, 'tcp' or 'udp' (the transport's payload, the default) or 'tls' (the plaintext
** of the TLS application-data records of a TCP flow, as `tshark -z follow,tls,raw,N` gives
** it: only records the capture's key logs or embedded secrets decrypt; none without them).
**
** How it works: only the flow's frames are re-dissected (their offsets come from the index;
** a tunnel's stream also takes the frames of the flows inside it, found by the search index)
** with Wireshark's follow tap (stream_follower.h), which gives TCP payload in sequence order
** with retransmissions and overlaps resolved — the bytes `tshark -q -z follow,tcp,raw,N`
** prints; for 'tls' the "tls" follow tap, which hands over each decrypted application-data
** record (the capture's key logs and secrets apply in every re-dissection). Consecutive TCP
** payload (or TLS plaintext) in one direction is one message; each UDP datagram is one. A flow
** that does not exist, or is neither TCP nor UDP (TCP for 'tls'), has no rows.
*/
#include <charconv>
#include <map>
#include <mutex>

#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "extract/extract_source.h"
#include "extract/extract_table.h"

namespace xtractr {

namespace {

enum StreamColumn { STREAM_SEQ, STREAM_DIR, STREAM_TIME, STREAM_PACKET, STREAM_DATA, STREAM_GAP, STREAM_COLUMNS };
const char kSchema[] =
    "CREATE TABLE x(seq INTEGER, dir INTEGER, time REAL, packet INTEGER, data BLOB, gap INTEGER,"
    " capture HIDDEN, flow HIDDEN, layer HIDDEN)";

// The flow id: an INTEGER, or TEXT spelling one ('7'); nullopt for anything else (no rows).
// Not sqlite3_value_numeric_type(): the arguments are sqlite3_value_dup() copies, which
// belong to no connection, and newer SQLite (e.g. better-sqlite3's 3.5x) crashes converting
// those in place.
std::optional<int64_t> flow_argument(sqlite3_value *value) {
  if (!value) return std::nullopt;
  if (sqlite3_value_type(value) == SQLITE_INTEGER) return sqlite3_value_int64(value);
  if (sqlite3_value_type(value) != SQLITE_TEXT) return std::nullopt;
  std::string text = *text_argument(value);
  size_t begin = text.find_first_not_of(" \t\n\r"), end = text.find_last_not_of(" \t\n\r");
  if (begin == std::string::npos) return std::nullopt;
  int64_t flow = 0;
  auto [at, error] = std::from_chars(text.data() + begin, text.data() + end + 1, flow);
  if (error != std::errc() || at != text.data() + end + 1) return std::nullopt;
  return flow;
}

// The layer argument: true for 'tls', false for NULL (absent), 'tcp' or 'udp'.
bool tls_layer(sqlite3_value *value) {
  std::optional<std::string> layer = value ? text_argument(value) : std::nullopt;
  if (!layer || *layer == "tcp" || *layer == "udp") return false;
  if (*layer == "tls") return true;
  throw UserError("xtractr_stream(): layer '" + *layer + "' is not 'tcp', 'udp' or 'tls'");
}

void produce_stream(sqlite3 *db, sqlite3_value **args, std::vector<ExtractRow> &rows) {
  std::optional<std::string> capture = text_argument(args[0]);
  if (!capture) throw UserError("xtractr_stream(): the capture is NULL");
  const bool tls = tls_layer(args[2]);
  std::optional<int64_t> flow_id = flow_argument(args[1]);
  if (!flow_id) return;
  const int64_t flow = *flow_id;

  ExtractSource source(*capture);
  std::optional<LocalId> where = source.locate_flow(flow);
  if (!where) return;
  const int proto = source.flow_proto(where->member, where->local);
  if (proto != 6 && (tls || proto != 17)) return;
  const StreamKind kind = tls ? StreamKind::Tls : proto == 6 ? StreamKind::Tcp : StreamKind::Udp;
  const CollectionMember &member = source.member(where->member);

  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  std::vector<IndexedPacket> packets = source.stream_packets(db, where->member, where->local);
  std::map<uint32_t, const IndexedPacket *> by_number;
  std::vector<FrameRef> frames;
  for (const IndexedPacket &p : packets) {
    by_number[p.number] = &p;
    frames.push_back(FrameRef{p.number, p.offset});
  }
  FollowResult followed = follow_stream(member.index->capture(), frames, kind);

  // Wireshark calls the first sender the client; `packets.dir` knows who initiated. Only a
  // frame of the flow itself says: in the frames a tunnel carries, `dir` is the inner flow's
  // (the tunnel's client is its first sender, Wireshark's client).
  int server_dir = 1;
  for (const StreamChunk &c : followed.chunks) {
    auto found = by_number.find(c.packet);
    if (c.gap || found == by_number.end() || found->second->flow != where->local) continue;
    server_dir = c.from_server ? found->second->dir : 1 - found->second->dir;
    break;
  }
  auto time_of = [&](const StreamChunk &c) {
    if (c.ts_sec || c.ts_nsec) return double(c.ts_sec) + double(c.ts_nsec) / 1e9;
    auto found = by_number.find(c.packet);
    return found == by_number.end() ? 0.0 : found->second->time;
  };

  int64_t seq = 0;
  int open_dir = -1;  // direction of the message being built, -1 none
  for (const StreamChunk &c : followed.chunks) {
    const int dir = c.from_server ? server_dir : 1 - server_dir;
    if (c.gap) {
      rows.push_back(ExtractRow{ExtractValue::of(++seq), ExtractValue::of(dir), ExtractValue::of_real(time_of(c)),
                                ExtractValue::of(member.id_base + c.packet), ExtractValue::null(),
                                ExtractValue::of(c.gap)});
      open_dir = -1;
      continue;
    }
    if (kind != StreamKind::Udp && dir == open_dir) {
      rows.back()[STREAM_DATA].bytes += c.data;
      continue;
    }
    rows.push_back(ExtractRow{ExtractValue::of(++seq), ExtractValue::of(dir), ExtractValue::of_real(time_of(c)),
                              ExtractValue::of(member.id_base + c.packet), ExtractValue::blob(c.data),
                              ExtractValue::of(0)});
    open_dir = dir;
  }
}

}  // namespace

const ExtractTableSpec stream_table_spec = {
    "xtractr_stream",
    kSchema,
    STREAM_COLUMNS,
    2,
    3,
    produce_stream,
    {"xtractr_stream(capture, flow [, layer])",
     "a TCP or UDP flow's application data, reassembled, one row per message; layer 'tls': the decrypted TLS "
     "application data",
     "SELECT dir, packet, CAST(data AS TEXT) FROM xtractr_stream('examples/wikipedia_browse.pcap', 6)"}};

}  // namespace xtractr
