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
** How it works: the index says which flows carry a protocol with objects (packets.service),
** with the TLS flows whose decrypted frames carry one (a key log or the capture's secrets,
** index/capture_settings.h); only their frames are re-dissected, in frame order, with
** Wireshark's export-object taps
** (object_collector.h) — so count, sizes and hashes are tshark's, plus the undecodable HTTP
** bodies tshark drops. FTP-DATA, which tshark 4.0 cannot export, is rebuilt by
** dissect/extract/ftp_data.h, fed here from the index: the control connections' stored ftp.*
** fields (only those decoded from the index blocks, in one pass over each file's FTP frames)
** say which data connection follows each RETR/STOR/STOU/APPE and whose file name it is; the
** data connection's bytes are its reassembled TCP stream.
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
#include "dissect/extract/ftp_data.h"
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

// The flows the search `query` selects, as local ids per member.
std::map<size_t, std::set<int64_t>> flows_of_query(sqlite3 *db, const ExtractSource &source, const std::string &capture,
                                                   const std::string &query) {
  Statement flows(db, "SELECT id FROM flows(?1, ?2)", "xtractr_objects()");
  flows.bind(1, capture);
  flows.bind(2, query);
  std::map<size_t, std::set<int64_t>> out;
  while (flows.step())
    if (auto where = source.locate_flow(flows.integer(0))) out[where->member].insert(where->local);
  return out;
}

// The flows `query` selects; nullopt when there is no query.
std::optional<std::map<size_t, std::set<int64_t>>> queried_flows(sqlite3 *db, const ExtractSource &source,
                                                                 const std::string &capture, sqlite3_value *query) {
  std::optional<std::string> text = text_argument(query);
  if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  return flows_of_query(db, source, capture, *text);
}

// TLS flows whose decrypted frames (a key log, pcapng secrets) carry a protocol with objects:
// their service stays TLS, the protocols inside are in their frames' fields.
std::map<size_t, std::set<int64_t>> decrypted_object_flows(sqlite3 *db, const ExtractSource &source,
                                                           const std::string &capture) {
  std::string inner;
  for (const std::string &protocol : kObjectProtocols) inner += (inner.empty() ? "" : " || ") + protocol + ":*";
  return flows_of_query(db, source, capture, "flow.service:TLS (" + inner + ")");
}

// ---- FTP-DATA (reconstruction: dissect/extract/ftp_data.h; fed here from the index) -----

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

// One file's FTP frames with only their stored ftp.* fields decoded from the index blocks
// (BlockDecoder::select) — not a packets() query per connection, which decodes every field
// and builds and re-parses a JSON doc per value.
class FtpFieldReader {
 public:
  explicit FtpFieldReader(const CollectionMember &member)
      : member_(member), dictionary_(member.index->dictionary()), wanted_(dictionary_.size(), -1) {
    for (size_t id = 0; id < dictionary_.size(); ++id)
      for (int f = 0; f < FTP_FIELDS; ++f)
        if (dictionary_[id].name == kFtpFields[f]) wanted_[id] = f;
    selected_.resize(dictionary_.size());
    for (size_t id = 0; id < dictionary_.size(); ++id) selected_[id] = wanted_[id] >= 0;
  }

  // Frame `local`'s fields as field(doc, name) gives them (the first value of each).
  FtpControlFrame read(int64_t local) {
    const std::vector<StoredValue> *values = &block_values(local);
    if (std::any_of(values->begin(), values->end(), [](const StoredValue &v) { return v.source >= 0; }))
      values = &docs_.fields(member_, local);  // a value stored as a reference: every field, resolved
    const StoredValue *first[FTP_FIELDS] = {};
    for (const StoredValue &v : *values)
      if (v.id < wanted_.size() && wanted_[v.id] >= 0 && !first[wanted_[v.id]]) first[wanted_[v.id]] = &v;
    FtpControlFrame f;
    f.command = stored_text(first[FTP_COMMAND]);
    f.argument = stored_text(first[FTP_ARG]);
    f.code = stored_integer(first[FTP_CODE]);
    f.passive_port = stored_integer(first[FTP_PASSIVE_PORT]);
    f.epsv_port = stored_integer(first[FTP_EPSV_PORT]);
    f.active_port = stored_integer(first[FTP_ACTIVE_PORT]);
    f.eprt_port = stored_integer(first[FTP_EPRT_PORT]);
    return f;
  }

 private:
  const CollectionMember &member_;
  const std::vector<DictionaryEntry> &dictionary_;
  std::vector<int> wanted_;  // dictionary id -> FtpField, or -1
  std::vector<bool> selected_;
  BlockDecoder block_;
  int64_t loaded_ = -1;
  std::vector<std::vector<StoredValue>> values_;  // the loaded block's ftp.* values, by frame
  DocBuilder docs_;
  const std::vector<StoredValue> no_values_;

  const std::vector<StoredValue> &block_values(int64_t local) {
    if ((local - 1) / kFramesPerBlock != loaded_) {
      loaded_ = (local - 1) / kFramesPerBlock;
      std::string data = member_.index->block(loaded_);
      if (data.empty())
        throw std::runtime_error("index of '" + member_.index->capture() + "' lacks block " + std::to_string(loaded_));
      block_.load(data);
      values_ = block_.select(dictionary_, selected_);
    }
    const size_t n = size_t((local - 1) % kFramesPerBlock);
    return n < values_.size() ? values_[n] : no_values_;
  }
};

// The transfers of every control connection of the collection (ids global), in one pass over
// each file's FTP frames; `controls` receives the control connections.
std::vector<FtpTransfer> ftp_transfers(ExtractSource &source, std::set<int64_t> &controls) {
  FtpControlReader reader;
  for (size_t m = 0; m < source.collection().members.size(); ++m) {
    const CollectionMember &member = source.member(m);
    FtpFieldReader fields(member);
    Statement s(member.index->db(), "SELECT id, flow FROM packets WHERE service = 'FTP' ORDER BY id");
    while (s.step()) {
      const int64_t local = s.integer(0), control = member.flow_base + s.integer(1);
      controls.insert(control);
      if (local < 1) continue;
      FtpControlFrame frame = fields.read(local);
      frame.frame = member.id_base + local;
      frame.control = control;
      reader.add(frame);
    }
  }
  return reader.transfers();
}

// The TCP connections that are not FTP control connections, by first packet (ids global).
std::vector<TcpConnection> data_connection_candidates(sqlite3 *db, const std::string &capture,
                                                      const std::set<int64_t> &controls) {
  Statement flows(db, "SELECT id, dport, first FROM flows(?1) WHERE proto = 6 ORDER BY first", "xtractr_objects()");
  flows.bind(1, capture);
  std::vector<TcpConnection> out;
  while (flows.step())
    if (!controls.count(flows.integer(0)))
      out.push_back(TcpConnection{flows.integer(0), flows.integer(1), flows.integer(2)});
  return out;
}

struct FtpMatch {
  const FtpTransfer *transfer;
  int64_t flow;  // global
  LocalId where;
};

// The followed TCP streams of the matched data connections, by global flow id: all of a
// file's data connections in one session.
std::map<int64_t, FollowResult> follow_data_connections(ExtractSource &source, const std::vector<FtpMatch> &matches) {
  std::map<int64_t, FollowResult> followed;
  for (size_t m = 0; m < source.collection().members.size(); ++m) {
    std::vector<int64_t> flows;
    for (const FtpMatch &x : matches)
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
  return followed;
}

// FTP-DATA objects of the whole collection; ids are global.
void produce_ftp_objects(sqlite3 *db, ExtractSource &source, const std::string &capture,
                         const std::optional<std::map<size_t, std::set<int64_t>>> &chosen,
                         std::vector<ExtractRow> &rows) {
  std::set<int64_t> controls;
  const std::vector<FtpTransfer> transfers = ftp_transfers(source, controls);
  if (transfers.empty()) return;
  const std::vector<TcpConnection> candidates = data_connection_candidates(db, capture, controls);
  const std::vector<std::optional<size_t>> data = match_data_connections(transfers, candidates);
  std::vector<FtpMatch> matches;
  for (size_t i = 0; i < transfers.size(); ++i) {
    if (!data[i]) continue;
    const int64_t flow = candidates[*data[i]].id;
    std::optional<LocalId> where = source.locate_flow(flow);
    if (!where) continue;
    if (chosen) {  // `query` narrows the data connections, after the pairing
      auto found = chosen->find(where->member);
      if (found == chosen->end() || !found->second.count(where->local)) continue;
    }
    matches.push_back(FtpMatch{&transfers[i], flow, *where});
  }
  std::map<int64_t, FollowResult> followed = follow_data_connections(source, matches);
  for (const FtpMatch &x : matches) {
    std::optional<FtpFile> file = assemble_ftp_file(*x.transfer, followed[x.flow].chunks);
    if (!file) continue;
    const int64_t packet =
        file->last_packet ? source.member(x.where.member).id_base + file->last_packet : x.transfer->command_frame;
    rows.push_back(object_row(x.flow, packet, "FTP-DATA", file->filename, "", std::move(file->data), file->note, ""));
  }
}

// ---------------------------------------------------------------------------------------

void produce_objects(sqlite3 *db, sqlite3_value **args, std::vector<ExtractRow> &rows) {
  std::optional<std::string> capture = text_argument(args[0]);
  if (!capture) throw UserError("xtractr: xtractr_objects(): the capture is NULL");
  ExtractSource source(*capture);
  auto chosen = queried_flows(db, source, *capture, args[1]);
  auto decrypted = decrypted_object_flows(db, source, *capture);
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
    for (int64_t f : decrypted[m]) flows.push_back(f);
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

const ExtractTableSpec objects_table_spec = {
    "xtractr_objects",
    kSchema,
    OBJ_COLUMNS,
    1,
    2,
    produce_objects,
    {"xtractr_objects(capture [, query])", "the files that crossed the wire (HTTP, SMB, IMF, TFTP, DICOM, FTP-DATA)",
     "SELECT flow, protocol, filename, content_type, size, sha256 FROM "
     "xtractr_objects('examples/wikipedia_browse.pcap')"}};

}  // namespace xtractr
