// object_collector.cc — see object_collector.h.
#include "dissect/extract/object_collector.h"

#include <gcrypt.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <stdexcept>

#include "dissect/extract/replay_session.h"

extern "C" {
#include <epan/expert.h>
#include <epan/export_object.h>
#include <epan/proto.h>
}

namespace xtractr {

namespace {

// Who owns what an export-object tap hands over, as libwireshark 4.0's eo packet functions do
// it: the entry and its strings are always g_malloc'ed and passed to the list (eo_free_entry
// frees them), and so is the payload of http (tvb_memdup), imf and smb; but the tftp and dicom
// taps pass their dissector's own buffer, allocated in the capture file's wmem scope (freed
// with the epan session), which eo_free_entry's g_free would abort the process on. Their
// payload is copied out like any other before the session ends, and never freed here.
bool tap_keeps_payload(const std::string &protocol) { return protocol == "tftp" || protocol == "dicom"; }

void free_entry(const std::string &protocol, export_object_entry_t *entry) {
  if (tap_keeps_payload(protocol)) entry->payload_data = nullptr;
  eo_free_entry(entry);
}

// One protocol's listener state: export_object_list_t is what the eo taps call back into.
// Entries stay owned here until the pass ends: the SMB tap adds a file once and fills its
// payload in later, fetching it back by row (get_entry), as Wireshark's own lists allow.
struct ObjectSink {
  export_object_list_t list{};
  std::string protocol;
  std::vector<std::pair<export_object_entry_t *, size_t>> entries;  // entry, order of arrival
  size_t *arrivals = nullptr;
  ~ObjectSink() {
    for (auto &e : entries) free_entry(protocol, e.first);
  }
};

std::string text_of(const char *s) { return s ? std::string(s) : std::string(); }

void add_entry(void *gui_data, export_object_entry_t *entry) {
  auto *sink = static_cast<ObjectSink *>(gui_data);
  try {
    sink->entries.emplace_back(entry, (*sink->arrivals)++);
  } catch (...) {
    free_entry(sink->protocol, entry);  // out of memory: drop it rather than unwind through libwireshark
  }
}

export_object_entry_t *get_entry(void *gui_data, int row) {
  auto *sink = static_cast<ObjectSink *>(gui_data);
  return row >= 0 && size_t(row) < sink->entries.size() ? sink->entries[size_t(row)].first : nullptr;
}

// ---- HTTP bodies the dissector could not decompress -------------------------------------

// Pass 1 (no tree): where http.decompression_failed was reported, and the arrival order the
// object would have had.
struct UndecodedSink {
  int hf = -1;
  std::vector<std::pair<uint32_t, size_t>> found;  // frame, order of arrival
  size_t *arrivals = nullptr;
};

tap_packet_status on_undecoded(void *tapdata, packet_info *pinfo, epan_dissect_t *, const void *data, tap_flags_t) {
  auto *sink = static_cast<UndecodedSink *>(tapdata);
  const auto *info = static_cast<const expert_info_t *>(data);
  if (!info || info->hf_index != sink->hf || sink->hf < 0) return TAP_PACKET_DONT_REDRAW;
  try {
    sink->found.emplace_back(pinfo->num, (*sink->arrivals)++);
  } catch (...) {
    // out of memory: the body goes unlisted rather than unwind through libwireshark
  }
  return TAP_PACKET_DONT_REDRAW;
}

// Pass 2 (tree): the failing body and the headers of its message.
struct UndecodedBody {
  uint32_t packet = 0;
  std::string data, encoding, content_type, uri;
};

struct BodySink {
  int hf = -1, hf_content_type = -1, hf_content_encoding = -1, hf_uri = -1, hf_request_uri = -1;
  std::set<uint32_t> wanted;
  std::vector<UndecodedBody> found;
};

std::string string_value(field_info *fi) {
  if (!fi || !fi->hfinfo || !IS_FT_STRING(fi->hfinfo->type)) return std::string();
  const char *s = fvalue_get_string(&fi->value);
  return s ? std::string(s) : std::string();
}

tap_packet_status on_undecoded_body(void *tapdata, packet_info *pinfo, epan_dissect_t *, const void *data,
                                    tap_flags_t) {
  auto *sink = static_cast<BodySink *>(tapdata);
  const auto *info = static_cast<const expert_info_t *>(data);
  if (!info || info->hf_index != sink->hf || sink->hf < 0 || !sink->wanted.count(pinfo->num))
    return TAP_PACKET_DONT_REDRAW;
  try {
    UndecodedBody body;
    body.packet = pinfo->num;
    // The expert info hangs on the "Content-encoded entity body" item, which spans the body.
    field_info *fi = info->pitem ? PITEM_FINFO(info->pitem) : nullptr;
    if (fi && fi->ds_tvb && fi->start >= 0 && fi->length > 0 &&
        guint(fi->start) + guint(fi->length) <= tvb_captured_length(fi->ds_tvb))
      body.data.assign(reinterpret_cast<const char *>(tvb_get_ptr(fi->ds_tvb, fi->start, fi->length)),
                       size_t(fi->length));
    // ... and its siblings are the message's headers
    proto_node *message = info->pitem ? info->pitem->parent : nullptr;
    for (proto_node *n = message ? message->first_child : nullptr; n; n = n->next) {
      field_info *h = PNODE_FINFO(n);
      if (!h || !h->hfinfo) continue;
      if (h->hfinfo->id == sink->hf_content_type)
        body.content_type = string_value(h);
      else if (h->hfinfo->id == sink->hf_content_encoding)
        body.encoding = string_value(h);
      else if (h->hfinfo->id == sink->hf_uri || h->hfinfo->id == sink->hf_request_uri)
        body.uri = string_value(h);
    }
    sink->found.push_back(std::move(body));
  } catch (...) {
    // out of memory: the body goes unlisted rather than unwind through libwireshark
  }
  return TAP_PACKET_DONT_REDRAW;
}

// The media type as packet-http.c keeps it for the tap: lower case, parameters dropped.
std::string media_type(const std::string &header) {
  std::string out;
  for (char c : header) {
    if (c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      if (out.empty() && c != ';') continue;  // leading blanks
      break;
    }
    out.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// The request's host and the base name of its URI, from http.response_for.uri (a response)
// or http.request.full_uri (a request body): "http://host/path", as the tap names the file
// (g_path_get_basename of the URI).
void name_from_uri(const std::string &uri, ExtractedObject &o) {
  size_t scheme = uri.find("://");
  std::string path = uri;
  if (scheme != std::string::npos) {
    size_t slash = uri.find('/', scheme + 3);
    o.hostname = uri.substr(scheme + 3, slash == std::string::npos ? std::string::npos : slash - scheme - 3);
    path = slash == std::string::npos ? std::string() : uri.substr(slash);
  }
  if (path.empty()) return;
  gchar *base = g_path_get_basename(path.c_str());
  o.filename = base;
  g_free(base);
}

// Re-dissects, with a tree, the frames of the flows where bodies failed, up to the last one.
std::vector<UndecodedBody> recover_undecoded(RandomReader &reader, const std::vector<FrameRef> &frames,
                                             const std::vector<std::pair<uint32_t, size_t>> &failed,
                                             const std::map<uint32_t, int64_t> *flow_of, int hf) {
  BodySink sink;
  sink.hf = hf;
  sink.hf_content_type = proto_registrar_get_id_byname("http.content_type");
  sink.hf_content_encoding = proto_registrar_get_id_byname("http.content_encoding");
  sink.hf_uri = proto_registrar_get_id_byname("http.response_for.uri");          // a response's
  sink.hf_request_uri = proto_registrar_get_id_byname("http.request.full_uri");  // a request's own
  std::set<int64_t> flows;
  uint32_t last = 0;
  for (const auto &f : failed) {
    sink.wanted.insert(f.first);
    last = std::max(last, f.first);
    if (flow_of) {
      auto found = flow_of->find(f.first);
      if (found != flow_of->end()) flows.insert(found->second);
    }
  }
  ReplaySession session(reader, ReplaySession::Options{/*tree=*/true, /*columns=*/false});
  TapListener listener("expert", &sink, nullptr, 0, nullptr, on_undecoded_body);
  for (const FrameRef &f : frames) {
    if (f.number > last) break;
    if (flow_of) {
      auto found = flow_of->find(f.number);
      if (found == flow_of->end() || !flows.count(found->second)) continue;
    }
    session.dissect(f.number, f.offset);
  }
  return std::move(sink.found);
}

}  // namespace

std::string undecodable_reason(const std::string &encoding, const std::string &data) {
  std::string e;
  for (char c : encoding) e.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  std::vector<int> attempts;  // zlib window bits
  if (e == "gzip" || e == "x-gzip")
    attempts = {16 + MAX_WBITS};
  else if (e == "deflate" || e == "x-deflate")
    attempts = {MAX_WBITS, -MAX_WBITS};
  else if (e == "br")
    return "not a valid Brotli stream";
  else
    return "Wireshark 4.0 does not decode this content coding";
  std::string reason;
  for (int bits : attempts) {
    z_stream z{};
    if (inflateInit2(&z, bits) != Z_OK) return "out of memory";
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    z.avail_in = uInt(data.size());
    unsigned char out[16384];
    int rc;
    do {
      z.next_out = out;
      z.avail_out = sizeof out;
      rc = inflate(&z, Z_NO_FLUSH);
    } while (rc == Z_OK);
    if (rc == Z_STREAM_END)
      reason = "Wireshark's decoder rejected it";
    else if (rc == Z_BUF_ERROR)
      reason = "the stream ends early (truncated)";
    else if (rc == Z_MEM_ERROR)
      reason = "out of memory";
    else
      reason = z.msg ? z.msg : "corrupt data";
    inflateEnd(&z);
    if (rc == Z_STREAM_END) break;
  }
  return reason;
}

std::vector<std::string> available_object_protocols(const std::vector<std::string> &wanted) {
  std::vector<std::string> out;
  for (const std::string &name : wanted)
    if (get_eo_by_name(name.c_str())) out.push_back(name);
  return out;
}

std::vector<ExtractedObject> collect_objects(RandomReader &reader, const std::vector<FrameRef> &frames,
                                             const std::vector<std::string> &protocols,
                                             const std::map<uint32_t, int64_t> *flow_of) {
  std::vector<ExtractedObject> objects;
  if (frames.empty()) return objects;
  auto session = std::make_unique<ReplaySession>(reader, ReplaySession::Options{});
  std::vector<std::unique_ptr<ObjectSink>> sinks;
  std::vector<std::unique_ptr<TapListener>> listeners;
  size_t arrivals = 0;
  UndecodedSink undecoded;
  undecoded.arrivals = &arrivals;
  if (std::find(protocols.begin(), protocols.end(), "http") != protocols.end()) {
    undecoded.hf = proto_registrar_get_id_byname("http.decompression_failed");
    if (undecoded.hf >= 0)
      listeners.push_back(std::make_unique<TapListener>("expert", &undecoded, nullptr, 0, nullptr, on_undecoded));
  }
  for (const std::string &name : protocols) {
    register_eo_t *eo = get_eo_by_name(name.c_str());
    if (!eo) continue;
    auto sink = std::make_unique<ObjectSink>();
    sink->list.add_entry = add_entry;
    sink->list.get_entry = get_entry;
    sink->list.gui_data = sink.get();
    sink->protocol = name;
    sink->arrivals = &arrivals;
    listeners.push_back(std::make_unique<TapListener>(get_eo_tap_listener_name(eo), &sink->list, nullptr, 0, nullptr,
                                                      get_eo_packet_func(eo)));
    sinks.push_back(std::move(sink));
  }
  for (const FrameRef &f : frames) session->dissect(f.number, f.offset);
  listeners.clear();
  std::vector<std::pair<size_t, ExtractedObject>> arrived;
  for (const auto &sink : sinks) {
    for (const auto &[entry, order] : sink->entries) {
      ExtractedObject o;
      o.protocol = sink->protocol;
      o.packet = entry->pkt_num;
      o.hostname = text_of(entry->hostname);
      o.content_type = text_of(entry->content_type);
      o.filename = text_of(entry->filename);
      if (entry->payload_data && entry->payload_len)
        o.data.assign(reinterpret_cast<const char *>(entry->payload_data), entry->payload_len);
      arrived.emplace_back(order, std::move(o));
    }
  }
  sinks.clear();
  // Protocols with intermediate state (SMB's file table) clean it up in their reset callback.
  for (const std::string &name : protocols)
    if (register_eo_t *eo = get_eo_by_name(name.c_str()))
      if (export_object_gui_reset_cb reset = get_eo_reset_func(eo)) reset();
  session.reset();  // one live epan session at a time
  if (!undecoded.found.empty()) {
    // the i-th failure reported in a frame is the i-th body recovered there
    std::vector<UndecodedBody> bodies = recover_undecoded(reader, frames, undecoded.found, flow_of, undecoded.hf);
    std::map<uint32_t, size_t> next;
    for (const auto &[packet, order] : undecoded.found) {
      size_t nth = next[packet]++;
      const UndecodedBody *body = nullptr;
      for (const UndecodedBody &b : bodies)
        if (b.packet == packet && nth-- == 0) {
          body = &b;
          break;
        }
      if (!body) continue;
      ExtractedObject o;
      o.protocol = "http";
      o.packet = packet;
      o.content_type = media_type(body->content_type);
      name_from_uri(body->uri, o);
      o.data = body->data;
      const std::string encoding = body->encoding.empty() ? std::string("encoded") : body->encoding;
      o.note = encoding + " body could not be decompressed: " + undecodable_reason(body->encoding, body->data) +
               "; data is the raw (compressed) body";
      arrived.emplace_back(order, std::move(o));
    }
  }
  std::sort(arrived.begin(), arrived.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
  for (auto &a : arrived) objects.push_back(std::move(a.second));
  return objects;
}

std::string safe_object_name(const ExtractedObject &object) {
  std::string name = object.filename;
  if (name.empty()) {
    name = "object" + std::to_string(object.packet);
    if (const char *ext = eo_ct2ext(object.content_type.empty() ? nullptr : object.content_type.c_str()))
      name += std::string(".") + ext;
  }
  GString *safe = eo_massage_str(name.c_str(), EXPORT_OBJECT_MAXFILELEN, 0);
  std::string out(safe->str, safe->len);
  g_string_free(safe, TRUE);
  return out;
}

std::string sha256_hex(const std::string &data) {
  unsigned char digest[32];
  gcry_md_hash_buffer(GCRY_MD_SHA256, digest, data.data(), data.size());
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

}  // namespace xtractr
