// frame_record.h — one dissected frame, as the index stores it.
//
// A FrameRecord holds the summary columns of a frame (what the `packets` table shows)
// and every named field of its protocol tree, in tree order, with the value
// `tshark -T fields -e NAME` prints. Field text lives in one arena string so that a
// frame costs a handful of allocations, not one per field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace xtractr {

// How a field value is kept. The kind is a property of the Wireshark field type.
enum class ValueKind : uint8_t {
  Integer = 0,     // FT_(U)INT*, FT_FRAMENUM, FT_BOOLEAN: an int64
  Text = 1,        // strings, addresses, times, protocol labels: tshark's text
  Bytes = 2,       // FT_BYTES and friends without separators: raw bytes, printed as hex
  NumberText = 3,  // FT_FLOAT/FT_DOUBLE/FT_RELATIVE_TIME: tshark's text, a JSON number
  Present = 4,     // FT_NONE: tshark prints "1"
};

struct FieldValue {
  int hf_id;  // Wireshark header-field id (process-wide, stable within a process)
  ValueKind kind;
  int64_t integer;  // Integer kind
  uint32_t offset;  // Text/Bytes/NumberText: slice of FrameRecord::arena, or of a data source
  uint32_t length;
  int32_t source = -1;  // Bytes only: -1 = in the arena, k >= 0 = slice of FrameRecord::sources[k]
};

// Where bytes of a reassembled data source came from: `length` bytes of frame `frame`'s
// record, at `frame_offset`.
struct Piece {
  uint32_t frame;
  uint32_t frame_offset;
  uint32_t length;
};

// A data source of the frame (Wireshark's "Frame", "Reassembled TCP", "De-chunked entity
// body"...). Byte fields that are slices of a source are stored as references to it, so a
// payload is kept once (or not at all: the frame's own bytes are read back from the capture).
struct DataSource {
  const uint8_t *data = nullptr;  // valid until the next frame is dissected
  uint32_t length = 0;
  bool is_frame = false;      // the frame's own record bytes, readable from the capture
  bool referenced = false;    // some field refers to it
  std::vector<Piece> pieces;  // a reassembly of earlier frames' bytes, when it is one
};

// A tunnel the frame travels through: the conversation of an outer header that carries the
// frame's own packet (VXLAN, GTP-U, Teredo, L2TP over UDP; GRE, IP in IP over IP). Flow
// classification makes it a flow of its own (a UDP/TCP stream, else an address pair).
struct TunnelLayer {
  std::string src, dst;  // the carrier IP header's addresses
  int ip_proto = -1;     // 17/6 for a UDP/TCP stream, else the header's protocol (47 GRE, 4/41 IP in IP)
  int64_t tcp_stream = -1, udp_stream = -1;
  uint32_t sport = 0, dport = 0;  // of the stream
  std::string service;            // what it carries: VXLAN, GTP, Teredo, L2TP, GRE, IPv6 ...
};

struct FrameRecord {
  // summary columns
  uint32_t number = 0;      // frame.number
  int64_t file_offset = 0;  // of the record in its (uncompressed) file
  uint32_t length = 0;      // on the wire
  uint32_t caplen = 0;
  int64_t ts_sec = 0;  // absolute time stamp
  int32_t ts_nsec = 0;
  int encap = -1;        // the record's link type (WTAP_ENCAP_*), -1 when not a packet record
  std::string src, dst;  // Source / Destination columns (as tshark -n prints)
  uint32_t sport = 0, dport = 0;
  bool has_ports = false;
  int ip_proto = -1;      // IP protocol number, -1 when not IP
  std::string service;    // application protocol (or transport), see service_name.h
  std::string title;      // Info column
  std::string protocols;  // frame.protocols
  // what flow classification needs
  std::string net_src, net_dst;    // innermost IP addresses, empty when not IP
  std::string link_src, link_dst;  // link-layer addresses
  int64_t tcp_stream = -1, udp_stream = -1;
  int tcp_flags = -1;  // tcp.flags of the innermost TCP header
  int icmp_type = -1, icmp_code = -1;
  int64_t payload = 0;                    // transport payload bytes (tcp.len, udp.length - 8)
  std::vector<uint32_t> fragment_frames;  // ip.fragment / ipv6.fragment: frames reassembled here
  std::vector<TunnelLayer> tunnels;       // the tunnels the frame's own packet travels in, outermost first

  std::vector<FieldValue> fields;
  std::string arena;
  std::vector<DataSource> sources;
  // Copies of the referenced sources' bytes, once detach() made the record independent of
  // the dissection that filled it (a vector: moving or swapping the record keeps its buffer).
  std::vector<uint8_t> source_bytes;

  void clear() {
    src.clear();
    dst.clear();
    service.clear();
    title.clear();
    protocols.clear();
    fields.clear();
    arena.clear();
    sources.clear();
    net_src.clear();
    net_dst.clear();
    link_src.clear();
    link_dst.clear();
    sport = dport = 0;
    has_ports = false;
    ip_proto = -1;
    tcp_stream = udp_stream = -1;
    tcp_flags = -1;
    icmp_type = icmp_code = -1;
    payload = 0;
    fragment_frames.clear();
    tunnels.clear();
    source_bytes.clear();
  }
  // Makes the referenced sources' bytes the record's own, so that it outlives the next frame's
  // dissection (or the stream reader's buffers) — what a record handed to another thread needs.
  // Such records are reused (cleared, refilled) and many wait in queues at once, so a buffer
  // that once held a large frame gives its spare room back here (trim()).
  void detach() {
    size_t total = 0;
    for (const DataSource &s : sources)
      if (s.referenced && s.data) total += s.length;
    if (oversized(source_bytes, total)) std::vector<uint8_t>().swap(source_bytes);  // its bytes are rewritten
    source_bytes.resize(total);
    trim(fields, fields.size());
    trim(arena, arena.size());
    trim(title, title.size());
    size_t at = 0;
    for (DataSource &s : sources) {
      if (!s.referenced || !s.data) continue;
      if (s.length) std::memcpy(source_bytes.data() + at, s.data, s.length);
      s.data = source_bytes.data() + at;
      at += s.length;
    }
  }
  // Without this, each record in flight between an index build's threads (index_pipeline.cc)
  // keeps the largest buffers any frame it carried ever needed: 110 MB at 1.75 M frames with
  // 1,536 records in flight, growing with the capture. Room beyond twice the contents and
  // kKeptBytes is freed (a copy of `size` elements, for the few large frames only).
  static constexpr size_t kKeptBytes = 16 << 10;
  template <typename Buffer>
  static bool oversized(const Buffer &buffer, size_t size) {
    return buffer.capacity() * sizeof(typename Buffer::value_type) > kKeptBytes && buffer.capacity() > 2 * size;
  }
  template <typename Buffer>
  static void trim(Buffer &buffer, size_t size) {
    if (!oversized(buffer, size)) return;
    Buffer kept(buffer.begin(), buffer.begin() + std::ptrdiff_t(size));
    buffer.swap(kept);
  }

  // The value's text or bytes (for Bytes: raw bytes, printed as hex by tshark).
  std::string_view text(const FieldValue &v) const {
    if (v.source >= 0) return {reinterpret_cast<const char *>(sources[size_t(v.source)].data) + v.offset, v.length};
    return {arena.data() + v.offset, v.length};
  }
  double time() const { return double(ts_sec) + double(ts_nsec) / 1e9; }

  // First/last value of a field by id, or nullptr.
  const FieldValue *first(int hf_id) const {
    for (const auto &f : fields)
      if (f.hf_id == hf_id) return &f;
    return nullptr;
  }
  const FieldValue *last(int hf_id) const {
    for (auto it = fields.rbegin(); it != fields.rend(); ++it)
      if (it->hf_id == hf_id) return &*it;
    return nullptr;
  }
};

}  // namespace xtractr
