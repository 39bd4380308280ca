/*
** dissect_function.cc — xtractr_dissect(capture, id): one frame's full protocol tree as JSON.
**
** Usage:
**
**   SELECT xtractr_dissect('day1.pcapng', 169);
**   SELECT json_extract(xtractr_dissect('day1.pcapng', 169), '$._source.layers.http."http.host"');
**   SELECT id, json_extract(xtractr_dissect('day1.pcapng', id), '$._source.layers.tcp."tcp.analysis"')
**     FROM packets('day1.pcapng') WHERE flow = 42;
**
** The result is the object `tshark -T json --no-duplicate-keys -Y frame.number==<id>` prints
** for the frame ({"_index", "_type", "_score", "_source": {"layers": {"frame": {…}, "eth": …}}},
** a field repeated in a layer as one key with an array), or NULL when the id does not exist.
**
** How it works: in the first 5,000 frames of a capture, every frame up to the frame is
** re-dissected (ReplaySession, full tree): exactly what a full pass sees. Later frames get a
** chosen context instead: the frame's flow is re-dissected from its first frame up to the
** frame, so fields that depend on earlier frames — TCP analysis, reassembled PDUs,
** request/response links — are there; flows between the same two hosts that began earlier are
** replayed with it (an FTP data connection needs its control connection), and so is every
** frame of each TCP/UDP stream the frame carries at any layer (a tunnel's outer UDP stream
** began with the frames of other inner flows). Time fields are relative to frame 1 and the
** frame before, as in a full pass; the per-capture stream numbers (tcp.stream, udp.stream) are
** the index's. The JSON itself is written by libwireshark's tshark writer (json_tree.h), in a
** child process (isolated.h).
*/
#include <algorithm>
#include <charconv>
#include <mutex>
#include <string>

#include "core/json_lookup.h"
#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "dissect/extract/isolated.h"
#include "dissect/extract/json_tree.h"
#include "dissect/extract/replay_session.h"
#include "dissect/wireshark_runtime.h"
#include "extract/extract_source.h"
#include "extract/extract_sql.h"

namespace xtractr {

namespace {

// Replaces the values of string field `name` in compact JSON: the i-th value the replay
// gave (`from`) becomes the i-th value of the index (`to`). Two passes through placeholders,
// so that one replacement's result is never taken for another's source.
void renumber(std::string &json, const char *name, const std::vector<uint64_t> &from, const std::vector<int64_t> &to) {
  if (from.empty() || from.size() != to.size()) return;
  auto replace_all = [&](const std::string &key, const std::string &value) {
    for (size_t at = json.find(key); at != std::string::npos; at = json.find(key, at + value.size()))
      json.replace(at, key.size(), value);
  };
  const std::string prefix = std::string("\"") + name + "\":\"";
  for (size_t i = 0; i < from.size(); ++i)
    replace_all(prefix + std::to_string(from[i]) + "\"", prefix + "\x01" + std::to_string(i) + "\"");
  for (size_t i = 0; i < to.size(); ++i)
    replace_all(prefix + "\x01" + std::to_string(i) + "\"", prefix + std::to_string(to[i]) + "\"");
}

// A stored tcp.stream/udp.stream value; anything but an integer means a damaged index.
int64_t stream_number(const std::string &capture, bool tcp, std::string_view text) {
  int64_t n = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc() || end != text.data() + text.size())
    throw UserError("xtractr_dissect(): the index of '" + capture + "' holds a " + (tcp ? "tcp" : "udp") +
                    ".stream that is not a number (" + std::string(text) + "); rebuild it with xtractr_index('" +
                    capture + "', 1)");
  return n;
}

struct FrameStreams {
  std::vector<int64_t> tcp, udp;  // every tcp.stream / udp.stream value of the frame, in tree order
};

// The frame's stored tcp.stream and udp.stream values (through `db`, which has this extension).
FrameStreams frame_streams(sqlite3 *db, const std::string &capture, int64_t id) {
  FrameStreams out;
  Statement s(db, "SELECT fields(doc, 'tcp.stream'), fields(doc, 'udp.stream') FROM packets(?1) WHERE id = ?2",
              "xtractr_dissect('" + capture + "')");
  s.bind(1, capture);
  s.bind(2, id);
  if (!s.step()) return out;
  for (int column : {0, 1}) {
    if (s.is_null(column)) continue;
    for (std::string_view element : json_elements(s.text(column)))
      if (!element.empty() && element != "null")
        (column == 0 ? out.tcp : out.udp).push_back(stream_number(capture, column == 0, element));
  }
  return out;
}

// Up to this frame number, every frame before the target is replayed: exactly a full pass, so
// state that crosses unrelated flows (a SIP call set up through another host, the SDP that names
// an RTP stream) is there. It costs ~0.1 s per 1,000 frames; beyond, the context is chosen.
constexpr int64_t kReplayEverythingUpTo = 5000;

// Flows between the frame's two hosts that began before it (and the frame's own flow); for a
// call's frames (SIP, SDP, RTP, RTCP) also every SIP flow that began before it, because calls
// are set up through proxies, between other hosts than the media.
std::vector<int64_t> context_flows(const CollectionMember &member, int64_t flow, int64_t frame) {
  std::vector<int64_t> out{flow};
  Statement s(
      member.index->db(),
      "SELECT g.id FROM flows f JOIN flows g ON ((g.src = f.src AND g.dst = f.dst) OR (g.src = f.dst AND g.dst = f.src)"
      "   OR (f.service IN ('SIP', 'SDP', 'RTP', 'RTCP') AND g.service = 'SIP'))"
      " WHERE f.id = ?1 AND g.id != f.id AND g.first < ?2");
  s.bind(1, flow);
  s.bind(2, frame);
  while (s.step()) out.push_back(s.integer(0));
  return out;
}

nstime_t timestamp_of(RandomReader &reader, const IndexedPacket &p) {
  if (!reader.read(p.offset)) throw UserError("cannot read capture '" + reader.path() + "': " + reader.error());
  return reader.record().ts;
}

void xtractr_dissect_function(sqlite3_context *ctx, int, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    std::optional<std::string> capture = text_argument(argv[0]);
    if (!capture) throw UserError("xtractr_dissect(): the capture is NULL");
    if (sqlite3_value_numeric_type(argv[1]) != SQLITE_INTEGER) return;  // NULL
    ExtractSource source(*capture);
    std::optional<LocalId> where = source.locate_packet(sqlite3_value_int64(argv[1]));
    if (!where) return;
    const size_t m = where->member;
    const CollectionMember &member = source.member(m);
    std::optional<IndexedPacket> target = source.packet(m, where->local);
    if (!target) return;

    // Every TCP/UDP conversation the frame belongs to, at any layer (a tunnel's outer UDP
    // stream began with frames of other inner flows), as the index numbered them.
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    const FrameStreams streams = frame_streams(db, *capture, sqlite3_value_int64(argv[1]));
    std::vector<IndexedPacket> frames;
    if (target->number <= kReplayEverythingUpTo) {
      frames = source.packets_up_to(m, target->number);
    } else {
      frames = source.flow_packets(m, context_flows(member, target->flow, target->number), target->number);
      std::string query;
      for (int64_t n : streams.tcp)
        query += (query.empty() ? "" : " || ") + std::string("tcp.stream:") + std::to_string(n);
      for (int64_t n : streams.udp)
        query += (query.empty() ? "" : " || ") + std::string("udp.stream:") + std::to_string(n);
      if (!query.empty())
        for (const IndexedPacket &p : source.search_packets(db, m, query, target->number)) frames.push_back(p);
    }
    std::sort(frames.begin(), frames.end(),
              [](const IndexedPacket &a, const IndexedPacket &b) { return a.number < b.number; });
    frames.erase(std::unique(frames.begin(), frames.end(),
                             [](const IndexedPacket &a, const IndexedPacket &b) { return a.number == b.number; }),
                 frames.end());
    std::optional<IndexedPacket> first = source.packet(m, 1);
    std::optional<IndexedPacket> previous = target->number > 1 ? source.packet(m, target->number - 1) : std::nullopt;
    const std::string path = member.index->capture();
    ensure_wireshark();
    std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
    // In a child process (isolated.h): an epan session per call would otherwise stay in memory.
    std::string json = run_isolated([&] {
      RandomReader reader(path);
      ReplaySession session(reader, ReplaySession::Options{/*tree=*/true, /*columns=*/false});
      if (first) session.set_first_frame(timestamp_of(reader, *first));
      std::string out;
      std::vector<uint64_t> replay_tcp, replay_udp;
      for (const IndexedPacket &p : frames) {
        if (p.number != target->number) {
          session.dissect(p.number, p.offset);
          continue;
        }
        if (previous) session.set_previous_frame(previous->number, timestamp_of(reader, *previous));
        session.forget_displayed();
        session.dissect(p.number, p.offset, [&](epan_dissect_t *edt) {
          out = json_tree(edt);
          replay_tcp = tree_integers(edt, "tcp.stream");
          replay_udp = tree_integers(edt, "udp.stream");
        });
      }
      // Stream numbers count conversations from the capture's start; the replay saw fewer.
      renumber(out, "tcp.stream", replay_tcp, streams.tcp);
      renumber(out, "udp.stream", replay_udp, streams.udp);
      return out;
    });
    sqlite3_result_text(ctx, json.data(), int(json.size()), SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, 'J');
  });
}

}  // namespace

const FunctionSpec dissect_functions[] = {
    {"xtractr_dissect",
     2,
     SQLITE_UTF8,
     xtractr_dissect_function,
     nullptr,
     nullptr,
     {"xtractr_dissect(capture, id)", "one frame's full protocol tree, as tshark -T json prints it",
      "SELECT json_extract(xtractr_dissect('examples/wikipedia_browse.pcap', 6), '$._source.layers.http')"}},
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

}  // namespace xtractr
