// frame_dissector.cc — see frame_dissector.h.
//
// How it works: per record, like tshark's process_packet_single_pass(): frame_data_init,
// epan_dissect_run_with_taps on a tvb over the record bytes, fill the columns, then walk the
// tree in pre-order collecting every named field (skipping text-only labels). Integer
// fields are read from their fvalue; the common string-like types are written in tshark's text
// by field_text.h, everything else is formatted by get_node_field_value(), the function
// `tshark -T fields` itself prints with, so the stored text is tshark's text.
#include "dissect/frame_dissector.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "dissect/epan_session.h"
#include "dissect/field_text.h"
#include "dissect/service_name.h"
#include "dissect/wireshark_runtime.h"

extern "C" {
#include <epan/column-info.h>
#include <epan/column.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/print.h>
#include <epan/proto.h>
#include <epan/to_str.h>
#include <epan/tvbuff.h>
#include <wiretap/wtap.h>
}

namespace xtractr {

namespace {

int column_index(const column_info &cinfo, int format) {
  for (int i = 0; i < cinfo.num_cols; ++i)
    if (cinfo.columns[i].col_fmt == format) return i;
  return -1;
}

}  // namespace

struct FrameDissector::Session {
  CaptureReader &reader;
  // A full, visible tree: FT_PROTOCOL values are their labels, as tshark prints them.
  EpanSession epan{reader.handle(), EpanSession::Options{/*tree=*/true, /*columns=*/true}};
  epan_dissect_t *edt = epan.edt();
  const column_info &cinfo = *epan.columns();
  int col_info = -1, col_src = -1, col_dst = -1;
  guint32 frame_number = 0;
  int hf_frame_protocols = -1;
  int hf_tcp_stream = -1, hf_udp_stream = -1, hf_tcp_flags = -1, hf_tcp_len = -1, hf_udp_length = -1;
  int hf_ip_proto = -1, hf_ipv6_nxt = -1;
  int hf_ip_src = -1, hf_ip_dst = -1, hf_ipv6_src = -1, hf_ipv6_dst = -1;
  int hf_icmp_type = -1, hf_icmp_code = -1, hf_icmpv6_type = -1, hf_icmpv6_code = -1;
  int hf_ip_fragment = -1, hf_ipv6_fragment = -1;
  int hf_tcp_srcport = -1, hf_tcp_dstport = -1, hf_udp_srcport = -1, hf_udp_dstport = -1;
  FrameRecord *out = nullptr;

  // The frame's IP headers before its first ICMP header (what an ICMP error quotes is no
  // tunnel), outermost first, each with the TCP/UDP stream it carries (ip_layers()).
  struct IpLayer {
    const FieldValue *src = nullptr, *dst = nullptr;
    int proto = -1;
    int64_t tcp_stream = -1, udp_stream = -1;
    uint32_t sport = 0, dport = 0;
    bool has_stream() const { return tcp_stream >= 0 || udp_stream >= 0; }
  };
  std::vector<IpLayer> layers;
  bool quoted_stream = false;  // a TCP/UDP stream after the first ICMP header

  // The frame whose tree is alive: its epan state is released when the next frame starts,
  // so the record's byte references stay valid while the caller stores it.
  frame_data current{};
  bool current_alive = false;
  tvbuff_t *frame_tvb = nullptr;
  std::vector<tvbuff_t *> source_tvbs;  // parallel to FrameRecord::sources

  // Byte references to the frame's own record are only worth it when the capture can be read
  // back at random cheaply, i.e. when it is not compressed.
  bool frame_references = false;
  // Recent frames' bytes, to express reassembled data as pieces of them.
  struct Recent {
    uint32_t frame;
    std::string bytes;
  };
  std::deque<Recent> recent;
  std::unordered_map<uint32_t, const std::string *> recent_by_frame;
  size_t recent_bytes = 0;
  static constexpr size_t kRecentLimit = 16u << 20;
  // FT_FRAMENUM "segment"/"fragment" items found on reassembled sources: (source, frame, start, length)
  struct PieceCandidate {
    int source;
    uint32_t frame, start, length;
  };
  std::vector<PieceCandidate> piece_candidates;

  FrameDissector::Selector selector;
  bool first_seen = false;  // frame 1's time stamp is the time reference, dissected or not

  Session(CaptureReader &r, FrameDissector::Selector select) : reader(r), selector(std::move(select)) {
    frame_references = reader.compression().empty();
    col_info = column_index(cinfo, COL_INFO);
    col_src = column_index(cinfo, COL_DEF_SRC);
    col_dst = column_index(cinfo, COL_DEF_DST);
    hf_frame_protocols = proto_registrar_get_id_byname("frame.protocols");
    hf_tcp_stream = proto_registrar_get_id_byname("tcp.stream");
    hf_udp_stream = proto_registrar_get_id_byname("udp.stream");
    hf_tcp_flags = proto_registrar_get_id_byname("tcp.flags");
    hf_tcp_len = proto_registrar_get_id_byname("tcp.len");
    hf_udp_length = proto_registrar_get_id_byname("udp.length");
    hf_ip_proto = proto_registrar_get_id_byname("ip.proto");
    hf_ipv6_nxt = proto_registrar_get_id_byname("ipv6.nxt");
    hf_ip_src = proto_registrar_get_id_byname("ip.src");
    hf_ip_dst = proto_registrar_get_id_byname("ip.dst");
    hf_ipv6_src = proto_registrar_get_id_byname("ipv6.src");
    hf_ipv6_dst = proto_registrar_get_id_byname("ipv6.dst");
    hf_icmp_type = proto_registrar_get_id_byname("icmp.type");
    hf_icmp_code = proto_registrar_get_id_byname("icmp.code");
    hf_icmpv6_type = proto_registrar_get_id_byname("icmpv6.type");
    hf_icmpv6_code = proto_registrar_get_id_byname("icmpv6.code");
    hf_ip_fragment = proto_registrar_get_id_byname("ip.fragment");
    hf_ipv6_fragment = proto_registrar_get_id_byname("ipv6.fragment");
    hf_tcp_srcport = proto_registrar_get_id_byname("tcp.srcport");
    hf_tcp_dstport = proto_registrar_get_id_byname("tcp.dstport");
    hf_udp_srcport = proto_registrar_get_id_byname("udp.srcport");
    hf_udp_dstport = proto_registrar_get_id_byname("udp.dstport");
  }

  ~Session() { release_current(); }

  // Frees the previous frame's tree and tvbs (see `current`).
  void release_current() {
    if (!current_alive) return;
    epan_dissect_reset(edt);
    frame_data_destroy(&current);
    current_alive = false;
    frame_tvb = nullptr;
    source_tvbs.clear();
  }

  void add_text(FrameRecord &r, int hf_id, ValueKind kind, const char *text, size_t length) {
    FieldValue v{hf_id, kind, 0, uint32_t(r.arena.size()), uint32_t(length)};
    r.arena.append(text, length);
    r.fields.push_back(v);
  }

  void collect(field_info *fi) {
    header_field_info *hf = fi->hfinfo;
    if (hf->id == hf_text_only || !hf->abbrev || !*hf->abbrev) return;
    FrameRecord &r = *out;
    ValueKind kind = field_kind(hf->id);
    switch (kind) {
      case ValueKind::Integer: {
        int64_t value;
        switch (hf->type) {
          case FT_INT8:
          case FT_INT16:
          case FT_INT24:
          case FT_INT32:
            value = fvalue_get_sinteger(&fi->value);
            break;
          case FT_INT40:
          case FT_INT48:
          case FT_INT56:
          case FT_INT64:
            value = fvalue_get_sinteger64(&fi->value);
            break;
          case FT_UINT40:
          case FT_UINT48:
          case FT_UINT56:
          case FT_UINT64:
            value = int64_t(fvalue_get_uinteger64(&fi->value));
            break;
          case FT_BOOLEAN:
            // any non-zero value is true: tshark prints 1 (e.g. BER booleans hold 0xff)
            value = fvalue_get_uinteger64(&fi->value) != 0;
            break;
          default:
            value = fvalue_get_uinteger(&fi->value);
            break;
        }
        r.fields.push_back(FieldValue{hf->id, kind, value, 0, 0});
        return;
      }
      case ValueKind::Present:
        r.fields.push_back(FieldValue{hf->id, kind, 1, 0, 0});
        return;
      default:
        break;
    }
    if (kind == ValueKind::Bytes && (hf->type == FT_BYTES || hf->type == FT_UINT_BYTES)) {
      collect_bytes(r, fi);
      return;
    }
    if (kind == ValueKind::Bytes && hf->type == FT_PROTOCOL) {
      collect_range(r, fi);  // the "data" protocol
      return;
    }
    const size_t start = r.arena.size();
    if (append_field_text(fi, r.arena)) {
      r.fields.push_back(FieldValue{hf->id, kind, 0, uint32_t(start), uint32_t(r.arena.size() - start)});
      return;
    }
    gchar *text = get_node_field_value(fi, edt);
    add_text(r, hf->id, kind, text ? text : "", text ? std::strlen(text) : 0);
    g_free(text);
  }

  int source_index(tvbuff_t *tvb) const {
    for (size_t k = 0; k < source_tvbs.size(); ++k)
      if (source_tvbs[k] == tvb) return int(k);
    return -1;
  }

  // Makes a source's bytes addressable (tvb_get_ptr may flatten a composite tvb).
  DataSource &source_data(FrameRecord &r, int k) {
    DataSource &src = r.sources[size_t(k)];
    if (!src.data && src.length) src.data = tvb_get_ptr(source_tvbs[size_t(k)], 0, int(src.length));
    return src;
  }

  // tshark prints FT_BYTES as plain hex of the value; keep the raw bytes, as a reference to
  // the data source they were dissected from when they are a slice of it.
  void collect_bytes(FrameRecord &r, field_info *fi) {
    GByteArray *value = fi->value.value.bytes;
    const int hf_id = fi->hfinfo->id;
    if (!value || !value->data) {
      // no byte array at all (a zero-length item): tshark prints a placeholder, not ""
      const char *placeholder = (fi->hfinfo->display & BASE_ALLOW_ZERO) ? "<none>" : "<MISSING>";
      add_text(r, hf_id, ValueKind::Text, placeholder, std::strlen(placeholder));
      return;
    }
    if (value->len == 0) {
      r.fields.push_back(FieldValue{hf_id, ValueKind::Bytes, 0, uint32_t(r.arena.size()), 0});
      return;
    }
    int k = source_index(fi->ds_tvb);
    if (k >= 0 && fi->start >= 0 && (frame_references || !r.sources[size_t(k)].is_frame)) {
      DataSource &src = source_data(r, k);
      if (src.data && uint64_t(fi->start) + value->len <= src.length &&
          std::memcmp(src.data + fi->start, value->data, value->len) == 0) {
        src.referenced = true;
        r.fields.push_back(FieldValue{hf_id, ValueKind::Bytes, 0, uint32_t(fi->start), value->len, k});
        return;
      }
    }
    FieldValue v{hf_id, ValueKind::Bytes, 0, uint32_t(r.arena.size()), value->len};
    r.arena.append(reinterpret_cast<const char *>(value->data), value->len);
    r.fields.push_back(v);
  }

  // A field whose value is the bytes it covers in its data source.
  void collect_range(FrameRecord &r, field_info *fi) {
    const int hf_id = fi->hfinfo->id;
    int k = source_index(fi->ds_tvb);
    if (k < 0 || fi->start < 0 || fi->length <= 0) {
      r.fields.push_back(FieldValue{hf_id, ValueKind::Bytes, 0, uint32_t(r.arena.size()), 0});
      return;
    }
    DataSource &src = source_data(r, k);
    uint32_t length = uint32_t(fi->length);
    if (!src.data || uint64_t(fi->start) + length > src.length) {
      length = src.length > uint32_t(fi->start) ? src.length - uint32_t(fi->start) : 0;
    }
    if (frame_references || !src.is_frame) {
      src.referenced = true;
      r.fields.push_back(FieldValue{hf_id, ValueKind::Bytes, 0, uint32_t(fi->start), length, k});
      return;
    }
    FieldValue v{hf_id, ValueKind::Bytes, 0, uint32_t(r.arena.size()), length};
    if (src.data)
      r.arena.append(reinterpret_cast<const char *>(src.data) + fi->start, length);
    else
      v.length = 0;
    r.fields.push_back(v);
  }

  // Remembers where reassembled sources came from (tcp.segment, ip.fragment, ... items).
  void note_piece(field_info *fi) {
    header_field_info *hf = fi->hfinfo;
    if (hf->type != FT_FRAMENUM || fi->length <= 0 || fi->start < 0) return;
    std::string_view name(hf->abbrev);
    auto ends = [&](std::string_view suffix) {
      return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (!ends(".segment") && !ends(".fragment")) return;
    int k = source_index(fi->ds_tvb);
    if (k < 0 || out->sources[size_t(k)].is_frame) return;
    piece_candidates.push_back(
        PieceCandidate{k, fvalue_get_uinteger(&fi->value), uint32_t(fi->start), uint32_t(fi->length)});
  }

  void remember_frame(uint32_t frame, const uint8_t *data, uint32_t length) {
    recent.push_back(Recent{frame, std::string(reinterpret_cast<const char *>(data), length)});
    recent_by_frame[frame] = &recent.back().bytes;
    recent_bytes += length;
    while (recent_bytes > kRecentLimit && recent.size() > 1) {
      recent_bytes -= recent.front().bytes.size();
      recent_by_frame.erase(recent.front().frame);
      recent.pop_front();
    }
  }

  // A referenced reassembled source becomes a list of pieces of earlier frames when its
  // segment items tile it exactly and every piece is found in that frame's bytes.
  void resolve_pieces(FrameRecord &r) {
    if (!frame_references) return;
    for (size_t k = 0; k < r.sources.size(); ++k) {
      DataSource &src = r.sources[k];
      if (!src.referenced || src.is_frame) continue;
      std::vector<PieceCandidate> mine;
      for (const auto &c : piece_candidates)
        if (c.source == int(k)) mine.push_back(c);
      std::sort(mine.begin(), mine.end(),
                [](const PieceCandidate &a, const PieceCandidate &b) { return a.start < b.start; });
      uint32_t covered = 0;
      std::vector<Piece> pieces;
      for (const auto &c : mine) {
        if (c.start != covered) break;
        auto found = recent_by_frame.find(c.frame);
        if (found == recent_by_frame.end()) break;
        const std::string &bytes = *found->second;
        const void *at = memmem(bytes.data(), bytes.size(), src.data + c.start, c.length);
        if (!at) break;
        pieces.push_back(Piece{c.frame, uint32_t(static_cast<const char *>(at) - bytes.data()), c.length});
        covered += c.length;
      }
      if (covered == src.length && !pieces.empty()) src.pieces = std::move(pieces);
    }
  }

  static std::string address_text(const address &a) {
    if (a.type == AT_NONE) return {};
    gchar *text = address_to_str(nullptr, &a);
    std::string result = text ? text : "";
    wmem_free(nullptr, text);
    return result;
  }

  // A TCP/UDP flow's addresses are those of the IP header that carries its stream's
  // transport header. pinfo's are the innermost IP layer's, which can lie above that
  // transport (Teredo, GTP-U: udp:teredo:ipv6:icmpv6) and would mix inner addresses with
  // outer ports. Fields are in tree order: the last ip/ipv6 src and dst before the stream.
  void carrier_addresses(FrameRecord &r, int stream_hf) {
    size_t stream_at = r.fields.size();
    for (size_t i = r.fields.size(); i-- > 0;)
      if (r.fields[i].hf_id == stream_hf) {
        stream_at = i;
        break;
      }
    const FieldValue *src = nullptr, *dst = nullptr;
    for (size_t i = 0; i < stream_at; ++i) {
      const int id = r.fields[i].hf_id;
      if (id == hf_ip_src || id == hf_ipv6_src) {
        src = &r.fields[i];
        dst = nullptr;
      } else if (src && (id == hf_ip_dst || id == hf_ipv6_dst))
        dst = &r.fields[i];
    }
    if (!src || !dst) return;
    r.net_src = std::string(r.text(*src));
    r.net_dst = std::string(r.text(*dst));
  }

  // Fills `layers` and `quoted_stream` from the fields, in tree order: an IP header starts at
  // its source address (its protocol, ip.proto / ipv6.nxt, comes just before), a stream
  // belongs to the header before it.
  void ip_layers(const FrameRecord &r) {
    layers.clear();
    quoted_stream = false;
    bool in_icmp = false;
    int proto = -1;
    uint32_t sport = 0, dport = 0;
    for (const FieldValue &v : r.fields) {
      const int id = v.hf_id;
      const bool stream = id == hf_tcp_stream || id == hf_udp_stream;
      if (in_icmp) {
        quoted_stream |= stream;
      } else if (id == hf_icmp_type || id == hf_icmpv6_type) {
        in_icmp = true;
      } else if (id == hf_ip_proto || id == hf_ipv6_nxt) {
        proto = int(v.integer);
      } else if (id == hf_ip_src || id == hf_ipv6_src) {
        layers.push_back(IpLayer{&v, nullptr, proto});
        proto = -1;
      } else if ((id == hf_ip_dst || id == hf_ipv6_dst) && !layers.empty() && !layers.back().dst) {
        layers.back().dst = &v;
      } else if (id == hf_tcp_srcport || id == hf_udp_srcport) {
        sport = uint32_t(v.integer);
      } else if (id == hf_tcp_dstport || id == hf_udp_dstport) {
        dport = uint32_t(v.integer);
      } else if (stream && !layers.empty()) {
        if (layers.back().has_stream()) layers.push_back(IpLayer{layers.back().src, layers.back().dst, -1});
        IpLayer &layer = layers.back();
        (id == hf_tcp_stream ? layer.tcp_stream : layer.udp_stream) = v.integer;
        layer.proto = id == hf_tcp_stream ? 6 : 17;
        layer.sport = sport;
        layer.dport = dport;
      }
    }
  }

  // The tunnels of the frame: the IP layers before `own` (the layer of the frame's own flow)
  // that have both addresses.
  void add_tunnels(FrameRecord &r, size_t own) {
    for (size_t i = 0; i < own && i < layers.size(); ++i) {
      const IpLayer &l = layers[i];
      if (!l.src || !l.dst) continue;
      TunnelLayer t;
      t.src = std::string(r.text(*l.src));
      t.dst = std::string(r.text(*l.dst));
      t.ip_proto = l.proto;
      t.tcp_stream = l.tcp_stream;
      t.udp_stream = l.udp_stream;
      t.sport = l.sport;
      t.dport = l.dport;
      t.service = tunnel_service(r.protocols, i, l.has_stream());
      r.tunnels.push_back(std::move(t));
    }
  }

  // The facts flow classification needs, from the innermost layers. The frame's own flow is
  // its innermost TCP stream, else UDP stream (what an ICMP error quotes included: the error
  // joins the conversation it reports on), else its innermost IP pair; the IP layers
  // outside the own flow's are its tunnels. A packet without a stream inside a UDP/TCP
  // tunnel (ICMPv6 over Teredo, LCP-less PPP over L2TP carrying IPv6 ...) is a flow of its
  // own IP pair inside the tunnel's stream.
  void classify(FrameRecord &r, packet_info *pinfo) {
    if (pinfo->net_src.type == AT_IPv4 || pinfo->net_src.type == AT_IPv6) {
      r.net_src = address_text(pinfo->net_src);
      r.net_dst = address_text(pinfo->net_dst);
    }
    r.link_src = address_text(pinfo->dl_src);
    r.link_dst = address_text(pinfo->dl_dst);
    if (const FieldValue *v = r.last(hf_tcp_stream)) r.tcp_stream = v->integer;
    if (const FieldValue *v = r.last(hf_udp_stream)) r.udp_stream = v->integer;
    if (const FieldValue *v = r.last(hf_tcp_flags)) r.tcp_flags = int(v->integer);
    ip_layers(r);
    size_t own = layers.empty() ? 0 : layers.size() - 1;
    bool inner_without_stream = false;
    if (!layers.empty() && !quoted_stream && (r.tcp_stream >= 0 || r.udp_stream >= 0)) {
      size_t at = layers.size();
      for (size_t i = layers.size(); i-- > 0;)
        if ((r.tcp_stream >= 0 && layers[i].tcp_stream == r.tcp_stream) ||
            (r.tcp_stream < 0 && layers[i].udp_stream == r.udp_stream)) {
          at = i;
          break;
        }
      const IpLayer &innermost = layers.back();
      if (at + 1 < layers.size() && !innermost.has_stream() && innermost.src && innermost.dst)
        inner_without_stream = true;
      else if (at < layers.size())
        own = at;
    }
    add_tunnels(r, own);
    if (inner_without_stream) {
      r.tcp_stream = r.udp_stream = -1;
      r.tcp_flags = -1;
      r.net_src = std::string(r.text(*layers.back().src));
      r.net_dst = std::string(r.text(*layers.back().dst));
      r.has_ports = false;
      r.sport = r.dport = 0;
      r.service = tunnel_service(r.protocols, layers.size() - 1, false);  // ICMPv6, not Teredo
    } else if (!r.net_src.empty()) {
      if (r.tcp_stream >= 0)
        carrier_addresses(r, hf_tcp_stream);
      else if (r.udp_stream >= 0)
        carrier_addresses(r, hf_udp_stream);
    }
    for (const FieldValue &v : r.fields)
      if (v.hf_id == hf_ip_fragment || v.hf_id == hf_ipv6_fragment) r.fragment_frames.push_back(uint32_t(v.integer));
    if (inner_without_stream) {
      network_protocol(r, layers.back().proto);
      return;
    }
    if (pinfo->ptype == PT_TCP) {
      if (const FieldValue *v = r.last(hf_tcp_len)) r.payload = v->integer;
    } else if (pinfo->ptype == PT_UDP) {
      if (const FieldValue *v = r.last(hf_udp_length)) r.payload = v->integer > 8 ? v->integer - 8 : 0;
    }
    if (r.net_src.empty()) return;
    switch (pinfo->ptype) {
      case PT_TCP:
        r.ip_proto = 6;
        return;
      case PT_UDP:
        r.ip_proto = 17;
        return;
      case PT_SCTP:
        r.ip_proto = 132;
        return;
      case PT_DCCP:
        r.ip_proto = 33;
        return;
      default:
        break;
    }
    int header_proto = -1;
    if (pinfo->net_src.type == AT_IPv4) {
      if (const FieldValue *v = r.last(hf_ip_proto)) header_proto = int(v->integer);
    } else if (const FieldValue *v = r.last(hf_ipv6_nxt)) {
      header_proto = int(v->integer);
    }
    network_protocol(r, header_proto);
  }

  // The IP protocol of a flow without ports: ICMP/ICMPv6 (with its type and code) when the
  // frame carries it, else the innermost header's protocol.
  void network_protocol(FrameRecord &r, int header_proto) {
    const std::string &protocols = r.protocols;
    if (protocols.find(":icmpv6") != std::string::npos) {
      r.ip_proto = 58;
      if (const FieldValue *v = r.first(hf_icmpv6_type)) r.icmp_type = int(v->integer);
      if (const FieldValue *v = r.first(hf_icmpv6_code)) r.icmp_code = int(v->integer);
    } else if (protocols.find(":icmp") != std::string::npos) {
      r.ip_proto = 1;
      if (const FieldValue *v = r.first(hf_icmp_type)) r.icmp_type = int(v->integer);
      if (const FieldValue *v = r.first(hf_icmp_code)) r.icmp_code = int(v->integer);
    } else {
      r.ip_proto = header_proto;
    }
  }

  static void walk(proto_node *node, gpointer data) {
    auto *self = static_cast<Session *>(data);
    if (field_info *fi = PNODE_FINFO(node)) {
      self->collect(fi);
      self->note_piece(fi);
    }
    if (node->first_child) proto_tree_children_foreach(node, walk, data);
  }
};

FrameDissector::FrameDissector(CaptureReader &reader, Selector selector)
    : session_(std::make_unique<Session>(reader, std::move(selector))) {}
FrameDissector::~FrameDissector() = default;

bool FrameDissector::next(FrameRecord &out) {
  // The previous frame's tree refers to the reader's record (its option block): release it
  // before the reader moves on.
  Session &s = *session_;
  s.release_current();
  while (s.reader.next()) {
    if (!s.selector || s.selector(s.reader.record(), s.reader.data())) {
      s.first_seen = true;
      dissect(out);
      return true;
    }
    skip();
  }
  return false;
}

bool FrameDissector::dissect_at(FrameRecord &out, uint32_t number, int64_t offset, const nstime_t &previous,
                                const nstime_t &first) {
  Session &s = *session_;
  s.release_current();
  if (!s.reader.read_at(offset)) return false;
  if (number > 1 && !s.first_seen) s.epan.set_first_frame(first);
  s.first_seen = true;
  if (number != s.frame_number + 1) {  // records of other partitions in between, as skip() would
    s.frame_number = number - 1;
    s.epan.set_previous_frame_elsewhere(s.frame_number, previous);
  }
  dissect(out);
  return true;
}

// A record another process dissects: it still takes a frame number, and it is the previous
// frame (and frame 1 the time reference) for the next one dissected here.
void FrameDissector::skip() {
  Session &s = *session_;
  ++s.frame_number;
  const wtap_rec &rec = s.reader.record();
  if (!s.first_seen) s.epan.set_first_frame(rec.ts);
  s.first_seen = true;
  s.epan.set_previous_frame_elsewhere(s.frame_number, rec.ts);
}

void FrameDissector::dissect(FrameRecord &out) {
  Session &s = *session_;
  CaptureReader &reader = s.reader;
  const wtap_rec &rec = reader.record();
  out.clear();
  s.out = &out;
  s.piece_candidates.clear();

  frame_data &fdata = s.current;
  ++s.frame_number;
  s.epan.begin_frame(fdata, s.frame_number, rec, reader.offset());
  s.current_alive = true;
  s.frame_tvb = s.epan.run(fdata, const_cast<wtap_rec &>(rec), reader.data(), reader.file_type_subtype());

  out.number = s.frame_number;
  out.file_offset = reader.offset();
  out.length = fdata.pkt_len;
  out.caplen = fdata.cap_len;
  out.ts_sec = fdata.abs_ts.secs;
  out.ts_nsec = fdata.abs_ts.nsecs;
  out.encap = rec.rec_type == REC_TYPE_PACKET ? rec.rec_header.packet_header.pkt_encap : -1;
  if (s.col_info >= 0 && s.cinfo.columns[s.col_info].col_data) out.title = s.cinfo.columns[s.col_info].col_data;
  if (s.col_src >= 0 && s.cinfo.columns[s.col_src].col_data) out.src = s.cinfo.columns[s.col_src].col_data;
  if (s.col_dst >= 0 && s.cinfo.columns[s.col_dst].col_data) out.dst = s.cinfo.columns[s.col_dst].col_data;

  packet_info *pinfo = &s.edt->pi;
  switch (pinfo->ptype) {
    case PT_TCP:
    case PT_UDP:
    case PT_SCTP:
    case PT_DCCP:
      out.sport = pinfo->srcport;
      out.dport = pinfo->destport;
      out.has_ports = true;
      break;
    default:
      break;
  }

  // The frame's data sources, in Wireshark's order; only the frame's own record (a packet
  // record) can be read back from the capture.
  s.source_tvbs.clear();
  for (GSList *item = pinfo->data_src; item; item = item->next) {
    tvbuff_t *tvb = get_data_source_tvb(static_cast<const struct data_source *>(item->data));
    DataSource source;
    source.length = tvb ? tvb_captured_length(tvb) : 0;
    source.is_frame = tvb == s.frame_tvb && rec.rec_type == REC_TYPE_PACKET;
    if (source.is_frame) source.data = reader.data();
    s.source_tvbs.push_back(tvb);
    out.sources.push_back(std::move(source));
  }
  if (s.frame_references && rec.rec_type == REC_TYPE_PACKET)
    s.remember_frame(s.frame_number, reader.data(), fdata.cap_len);

  if (s.edt->tree) proto_tree_children_foreach(s.edt->tree, Session::walk, &s);
  s.resolve_pieces(out);

  if (const FieldValue *p = out.first(s.hf_frame_protocols)) out.protocols = std::string(out.text(*p));
  out.service = service_from_protocols(out.protocols);
  s.classify(out, pinfo);

  s.epan.end_frame(fdata);
  s.out = nullptr;
}

}  // namespace xtractr
