/*
** objects_table.cc — xtractr_objects(capture [, query]): the files that crossed the wire.
**
** Usage:
**
**   SELECT flow, packet, protocol, filename, content_type, size, sha256 FROM xtractr_objects('day1.pcapng');
**   SELECT writefile('out/' || filename, data) FROM xtractr_objects('day1.pcapng')
**    WHERE content_type LIKE 'image/%';
**   SELECT filename, size FROM xtractr_objects('day1.pcapng', 'host:www.example.com');
**   SELECT packet, filename, note FROM xtractr_objects('day1.pcapng') WHERE note IS NOT NULL;
**
** Columns: flow, packet (the frame the object completed in), protocol (HTTP, SMB, IMF, TFTP,
** DICOM, FTP-DATA), filename (a safe file name, as `tshark --export-objects` would save it,
** without its "(n)" suffix for duplicates), content_type, size, sha256 (hex), data (BLOB),
** note (why the data may not be the file itself, else NULL), host.
**
** note: an HTTP body sent with a Content-Encoding that Wireshark could not decompress
** (corrupt, truncated, or a coding it does not decode) is listed with its raw, still encoded
** bytes — size and sha256 describe those bytes — and a note such as "gzip body could not be
** decompressed: invalid block type; data is the raw (compressed) body" (`tshark
** --export-objects` drops such a body); an FTP-DATA transfer with bytes missing from the
** capture says how many. Otherwise NULL.
**
** How it works: the index says which flows carry a protocol with objects (packets.service);
** only their frames are re-dissected, in frame order, with Wireshark's export-object taps
** (object_collector.h) — so count, sizes and hashes are tshark's, plus the undecodable HTTP
** bodies tshark drops. FTP-DATA, which tshark 4.0 cannot export, is rebuilt here: the
** control connection's PASV/EPSV replies and PORT/EPRT requests (stored ftp.* fields, only
** those decoded from the index blocks, in one pass over each file's FTP frames) say which
** data connection follows each RETR/STOR/STOU/APPE, whose file name it is, and the data
** connection's bytes are its reassembled TCP stream.
** `query` (the search language, extension/search) narrows the flows: SELECT id FROM flows(capture, query).
*/
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "dissect/extract/object_collector.h"
#include "dissect/wireshark_runtime.h"
#include "extract/extract_source.h"
#include "extract/extract_table.h"
#include "index/doc_builder.h"

namespace xtractr {

namespace {

enum ObjectColumn {
  OBJ_FLOW,
  OBJ_PACKET,
  OBJ_PROTOCOL,
  OBJ_FILENAME,
  OBJ_CONTENT_TYPE,
  OBJ_SIZE,
  OBJ_SHA256,
  OBJ_DATA,
  OBJ_NOTE,
  OBJ_HOST,
  OBJ_COLUMNS
};
const char kSchema[] =
    "CREATE TABLE x(flow INTEGER, packet INTEGER, protocol TEXT, filename TEXT, content_type TEXT, size INTEGER,"
    " sha256 TEXT, data BLOB, note TEXT, host TEXT, capture HIDDEN, query HIDDEN)";

// Services (packets.service) whose flows may carry objects, and the export-object taps to run.
const std::vector<std::string> kObjectServices = {"HTTP", "SMB", "SMB2", "NBSS", "IMF",
                                                  "SMTP", "POP", "IMAP", "TFTP", "DICOM"};
// ... and the well-known ports of those protocols, for flows Wireshark's single pass left as
// plain TCP (a capture that starts mid-stream) but whose reassembled PDUs still carry objects.
const std::vector<int> kObjectPorts = {80, 8080, 8000, 3128, 139, 445, 25, 587, 110, 143, 69, 104};
const std::vector<std::string> kObjectProtocols = {"http", "smb", "imf", "tftp", "dicom"};

std::string upper(std::string s) {
  for (char &c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

ExtractRow object_row(int64_t flow, int64_t packet, const std::string &protocol, const std::string &filename,
                      const std::string &content_type, std::string data, const std::string &note,
                      const std::string &host) {
  ExtractRow row(OBJ_COLUMNS);
  row[OBJ_FLOW] = flow > 0 ? ExtractValue::of(flow) : ExtractValue::null();
  row[OBJ_PACKET] = ExtractValue::of(packet);
  row[OBJ_PROTOCOL] = ExtractValue::text(protocol);
  row[OBJ_FILENAME] = ExtractValue::text(filename);
  row[OBJ_CONTENT_TYPE] = content_type.empty() ? ExtractValue::null() : ExtractValue::text(content_type);
  row[OBJ_SIZE] = ExtractValue::of(int64_t(data.size()));
  row[OBJ_SHA256] = ExtractValue::text(sha256_hex(data));
  row[OBJ_DATA] = ExtractValue::blob(std::move(data));
  row[OBJ_NOTE] = note.empty() ? ExtractValue::null() : ExtractValue::text(note);
  row[OBJ_HOST] = host.empty() ? ExtractValue::null() : ExtractValue::text(host);
  return row;
}

// The flows `query` selects, as local ids per member; nullopt when there is no query.
std::optional<std::map<size_t, std::set<int64_t>>> queried_flows(sqlite3 *db, const ExtractSource &source,
                                                                 const std::string &capture, sqlite3_value *query) {
  std::optional<std::string> text = text_argument(query);
  if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  Statement flows(db, "SELECT id FROM flows(?1, ?2)", "xtractr_objects()");
  flows.bind(1, capture);
  flows.bind(2, *text);
  std::map<size_t, std::set<int64_t>> out;
  while (flows.step())
    if (auto where = source.locate_flow(flows.integer(0))) out[where->member].insert(where->local);
  return out;
}

// ---- FTP-DATA -------------------------------------------------------------------------

struct FtpTransfer {
  int64_t command_frame;  // global packet ids
  std::string command, argument;
  int64_t port;  // the data connection's listening port
  int64_t setup_frame;
};

// Runs `sql` with ?1 = capture on the user's connection; calls row(stmt) per row.
template <typename Row>
void each_row(sqlite3 *db, const char *sql, const std::string &capture, int64_t flow, Row &&row) {
  sqlite3_stmt *raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw UserError(std::string("xtractr: xtractr_objects(): ") + sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> stmt(raw, sqlite3_finalize);
  sqlite3_bind_text(raw, 1, capture.data(), int(capture.size()), SQLITE_TRANSIENT);
  if (flow >= 0) sqlite3_bind_int64(raw, 2, flow);
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) row(raw);
  if (rc != SQLITE_DONE) throw UserError(std::string("xtractr: xtractr_objects(): ") + sqlite3_errmsg(db));
}

enum FtpField {
  FTP_COMMAND,
  FTP_ARG,
  FTP_CODE,
  FTP_PASSIVE_PORT,
  FTP_EPSV_PORT,
  FTP_ACTIVE_PORT,
  FTP_EPRT_PORT,
  FTP_FIELDS
};
const char *const kFtpFields[FTP_FIELDS] = {"ftp.request.command", "ftp.request.arg", "ftp.response.code",
                                            "ftp.passive.port",    "ftp.epsv.port",   "ftp.active.port",
                                            "ftp.eprt.port"};

// A stored value as field(doc, name) gives it: text as text, numbers as integers.
std::string stored_text(const StoredValue *v) {
  if (!v) return std::string();
  if (v->kind == ValueKind::Integer || v->kind == ValueKind::Present) return std::to_string(v->integer);
  return std::string(v->bytes);
}

std::optional<int64_t> stored_integer(const StoredValue *v) {
  if (!v) return std::nullopt;
  if (v->kind == ValueKind::Integer || v->kind == ValueKind::Present) return v->integer;
  const std::string text(v->bytes);
  char *end = nullptr;
  long long n = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || !end || *end) return std::nullopt;
  return int64_t(n);
}

// FTP-DATA objects of the whole collection; ids are global. The control connections' requests
// and replies are read from the index (stored ftp.* fields).
void produce_ftp_objects(sqlite3 *db, ExtractSource &source, const std::string &capture,
                         const std::optional<std::map<size_t, std::set<int64_t>>> &chosen,
                         std::vector<ExtractRow> &rows) {
  // The control connections' requests and replies, in frame order: one pass over each file's
  // FTP frames, only their stored ftp.* fields decoded from the index blocks
  // (BlockDecoder::select) — not a packets() query per connection, which decodes every field
  // and builds and re-parses a JSON doc per value.
  std::vector<FtpTransfer> transfers;
  std::set<int64_t> controls;  // global flow ids
  for (size_t m = 0; m < source.collection().members.size(); ++m) {
    const CollectionMember &member = source.member(m);
    const std::vector<DictionaryEntry> &dictionary = member.index->dictionary();
    std::vector<int> wanted(dictionary.size(), -1);  // dictionary id -> FtpField
    for (size_t id = 0; id < dictionary.size(); ++id)
      for (int f = 0; f < FTP_FIELDS; ++f)
        if (dictionary[id].name == kFtpFields[f]) wanted[id] = f;
    std::vector<bool> selected(dictionary.size());
    for (size_t id = 0; id < dictionary.size(); ++id) selected[id] = wanted[id] >= 0;
    struct Setup {
      bool have = false;
      int64_t port = 0, frame = 0;
    };
    std::map<int64_t, Setup> setups;  // by control connection
    BlockDecoder block;
    int64_t loaded = -1;
    std::vector<std::vector<StoredValue>> block_values;  // the loaded block's ftp.* values, by frame
    DocBuilder docs;  // a frame with a value stored as a reference: every field, resolved
    const std::vector<StoredValue> no_values;
    Statement s(member.index->db(), "SELECT id, flow FROM packets WHERE service = 'FTP' ORDER BY id");
    while (s.step()) {
      const int64_t local = s.integer(0), id = member.id_base + local, control = member.flow_base + s.integer(1);
      controls.insert(control);
      if (local < 1) continue;
      if ((local - 1) / kFramesPerBlock != loaded) {
        loaded = (local - 1) / kFramesPerBlock;
        std::string data = member.index->block(loaded);
        if (data.empty())
          throw std::runtime_error("index of '" + member.index->capture() + "' lacks block " + std::to_string(loaded));
        block.load(data);
        block_values = block.select(dictionary, selected);
      }
      const size_t n = size_t((local - 1) % kFramesPerBlock);
      const std::vector<StoredValue> *values = n < block_values.size() ? &block_values[n] : &no_values;
      if (std::any_of(values->begin(), values->end(), [](const StoredValue &v) { return v.source >= 0; }))
        values = &docs.fields(member, local);
      const StoredValue *first[FTP_FIELDS] = {};  // the first value of each field, as field(doc, name)
      for (const StoredValue &v : *values)
        if (v.id < wanted.size() && wanted[v.id] >= 0 && !first[wanted[v.id]]) first[wanted[v.id]] = &v;
      std::string command = stored_text(first[FTP_COMMAND]);
      for (char &c : command) c = char(std::toupper(static_cast<unsigned char>(c)));
      const std::optional<int64_t> code = stored_integer(first[FTP_CODE]);
      std::optional<int64_t> passive = stored_integer(first[FTP_PASSIVE_PORT]);
      if (!passive) passive = stored_integer(first[FTP_EPSV_PORT]);
      std::optional<int64_t> active = stored_integer(first[FTP_ACTIVE_PORT]);
      if (!active) active = stored_integer(first[FTP_EPRT_PORT]);
      Setup &setup = setups[control];
      if ((code == 227 || code == 229) && passive) {
        setup = Setup{true, *passive, id};
      } else if ((command == "PORT" || command == "EPRT") && active) {
        setup = Setup{true, *active, id};
      } else if (setup.have && (command == "RETR" || command == "STOR" || command == "STOU" || command == "APPE")) {
        transfers.push_back(FtpTransfer{id, command, stored_text(first[FTP_ARG]), setup.port, setup.frame});
        setup.have = false;  // one data connection per PASV/PORT
      }
    }
  }
  if (transfers.empty()) return;
  std::sort(transfers.begin(), transfers.end(),
            [](const FtpTransfer &a, const FtpTransfer &b) { return a.command_frame < b.command_frame; });
  struct DataFlow {
    int64_t id, dport, first;
    bool used;
  };
  std::vector<DataFlow> candidates;
  each_row(db, "SELECT id, dport, first FROM flows(?1) WHERE proto = 6 ORDER BY first", capture, -1,
           [&](sqlite3_stmt *s) {
             if (!controls.count(sqlite3_column_int64(s, 0)))
               candidates.push_back(
                   DataFlow{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), false});
           });
  // Pair each transfer with its data connection, then follow all of a file's data
  // connections in one session.
  struct Match {
    const FtpTransfer *transfer;
    int64_t flow;
    LocalId where;
  };
  std::vector<Match> matches;
  for (const FtpTransfer &t : transfers) {
    // passive: the client connects to the server's port; active: the server to the client's
    DataFlow *chosen_flow = nullptr;
    for (DataFlow &d : candidates)
      if (!d.used && d.first > t.setup_frame && d.dport == t.port) {
        chosen_flow = &d;
        break;
      }
    if (!chosen_flow) continue;
    chosen_flow->used = true;
    std::optional<LocalId> where = source.locate_flow(chosen_flow->id);
    if (!where) continue;
    if (chosen) {
      auto found = chosen->find(where->member);
      if (found == chosen->end() || !found->second.count(where->local)) continue;
    }
    matches.push_back(Match{&t, chosen_flow->id, *where});
  }
  std::map<int64_t, FollowResult> followed;  // by global flow id
  for (size_t m = 0; m < source.collection().members.size(); ++m) {
    std::vector<int64_t> flows;
    for (const Match &x : matches)
      if (x.where.member == m) flows.push_back(x.where.local);
    if (flows.empty()) continue;
    const CollectionMember &member = source.member(m);
    std::map<uint32_t, int64_t> flow_of;
    std::vector<FrameRef> frames;
    for (const IndexedPacket &p : source.flow_packets(m, flows)) {
      frames.push_back(FrameRef{p.number, p.offset});
      flow_of[p.number] = p.flow;
    }
    for (auto &[first, result] : follow_tcp_streams(member.index->capture(), frames)) {
      auto f = flow_of.find(first);
      if (f != flow_of.end()) followed[member.flow_base + f->second] = std::move(result);
    }
  }
  for (const Match &x : matches) {
    const FtpTransfer &t = *x.transfer;
    const CollectionMember &member = source.member(x.where.member);
    std::string sent[2];
    int64_t missing[2] = {0, 0};
    uint32_t last_packet[2] = {0, 0};
    for (const StreamChunk &c : followed[x.flow].chunks) {
      sent[c.from_server] += c.data;
      missing[c.from_server] += c.gap;
      if (!c.data.empty()) last_packet[c.from_server] = std::max(last_packet[c.from_server], c.packet);
    }
    const int side = sent[1].size() > sent[0].size() ? 1 : 0;
    if (sent[side].empty() && !missing[side]) continue;  // nothing crossed (a refused transfer)
    std::string note;
    if (missing[side]) note = "incomplete: " + std::to_string(missing[side]) + " bytes missing from the capture";
    ExtractedObject named;
    named.filename = t.argument;
    size_t slash = named.filename.find_last_of('/');
    if (slash != std::string::npos && slash + 1 < named.filename.size())
      named.filename = named.filename.substr(slash + 1);
    const int64_t packet = last_packet[side] ? member.id_base + last_packet[side] : t.command_frame;
    rows.push_back(
        object_row(x.flow, packet, "FTP-DATA", safe_object_name(named), "", std::move(sent[side]), note, ""));
  }
}

// ---------------------------------------------------------------------------------------

void produce_objects(sqlite3 *db, sqlite3_value **args, std::vector<ExtractRow> &rows) {
  std::optional<std::string> capture = text_argument(args[0]);
  if (!capture) throw UserError("xtractr: xtractr_objects(): the capture is NULL");
  ExtractSource source(*capture);
  auto chosen = queried_flows(db, source, *capture, args[1]);
  ensure_wireshark();
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  const std::vector<std::string> protocols = available_object_protocols(kObjectProtocols);
  for (size_t m = 0; m < source.collection().members.size(); ++m) {
    const CollectionMember &member = source.member(m);
    const std::set<int64_t> *only = nullptr;
    if (chosen) {
      auto found = chosen->find(m);
      if (found == chosen->end()) continue;
      only = &found->second;
    }
    std::vector<int64_t> flows = source.flows_with_services(m, kObjectServices);
    for (int64_t f : source.flows_with_ports(m, kObjectPorts)) flows.push_back(f);
    std::sort(flows.begin(), flows.end());
    flows.erase(std::unique(flows.begin(), flows.end()), flows.end());
    if (only)
      flows.erase(std::remove_if(flows.begin(), flows.end(), [&](int64_t f) { return !only->count(f); }), flows.end());
    if (!flows.empty()) {
      std::vector<IndexedPacket> packets = source.flow_packets(m, flows);
      std::vector<FrameRef> frames;
      std::map<uint32_t, int64_t> flow_of;
      for (const IndexedPacket &p : packets) {
        frames.push_back(FrameRef{p.number, p.offset});
        flow_of[p.number] = p.flow;
      }
      for (ExtractedObject &o : collect_objects(source.reader(m), frames, protocols, &flow_of)) {
        auto f = flow_of.find(o.packet);
        int64_t flow = f == flow_of.end() ? 0 : member.flow_base + f->second;
        std::string name = safe_object_name(o);
        rows.push_back(object_row(flow, member.id_base + o.packet, upper(o.protocol), name, o.content_type,
                                  std::move(o.data), o.note, o.hostname));
      }
    }
  }
  produce_ftp_objects(db, source, *capture, chosen, rows);
}

}  // namespace

const ExtractTableSpec objects_table_spec = {"xtractr_objects", kSchema, OBJ_COLUMNS, 1, 2, produce_objects};

}  // namespace xtractr
