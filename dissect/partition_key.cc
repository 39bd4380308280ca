// partition_key.cc — see partition_key.h.
#include "dissect/partition_key.h"

#include <cstring>
#include <string_view>

extern "C" {
#include <wiretap/wtap.h>
}

namespace xtractr {

namespace {

// A bounds-checked view of the frame's bytes.
struct Bytes {
  const uint8_t *data;
  size_t size;
  bool has(size_t offset, size_t n) const { return offset <= size && n <= size - offset; }
  unsigned u8(size_t offset) const { return data[offset]; }
  unsigned u16(size_t offset) const { return unsigned(data[offset]) << 8 | data[offset + 1]; }
  std::string_view slice(size_t offset, size_t n) const { return {reinterpret_cast<const char *>(data) + offset, n}; }
};

// FNV-1a, then a final mix so that `hash % partitions` spreads well for any partition count.
uint64_t mix(std::string_view a, std::string_view b, uint8_t tag) {
  uint64_t h = 1469598103934665603ull ^ tag;
  for (std::string_view part : {a, b}) {
    for (char c : part) h = (h ^ uint8_t(c)) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// The group of the unordered pair (a, b).
PartitionKey pair_key(std::string_view a, std::string_view b, uint8_t tag) {
  return PartitionKey{true, a < b ? mix(a, b, tag) : mix(b, a, tag)};
}

PartitionKey one_group(uint8_t tag) { return PartitionKey{true, mix({}, {}, tag)}; }

enum Tag : uint8_t { kIPv4 = 4, kIPv6 = 6, kMac = 1, kArp = 2, kOtherLink = 3 };

bool is_icmp_error(unsigned type) { return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; }

PartitionKey ipv4_key(const Bytes &p, size_t at, bool quoted);
PartitionKey ipv6_key(const Bytes &p, size_t at, bool quoted);

// An IP packet at `at` (the version nibble decides); `quoted` inside an ICMP error.
PartitionKey ip_key(const Bytes &p, size_t at, bool quoted = false) {
  if (!p.has(at, 1)) return {};
  switch (p.u8(at) >> 4) {
    case 4:
      return ipv4_key(p, at, quoted);
    case 6:
      return ipv6_key(p, at, quoted);
    default:
      return {};
  }
}

// The key of an IP header's pair at src_at (the destination follows), with its transport
// ports when the header is followed by TCP/UDP at `transport`.
PartitionKey ip_pair_key(const Bytes &p, size_t src_at, size_t length, int proto, size_t transport) {
  PartitionKey key = pair_key(p.slice(src_at, length), p.slice(src_at + length, length), length == 4 ? kIPv4 : kIPv6);
  key.address_length = uint8_t(length);
  std::memcpy(key.a, p.data + src_at, length);
  std::memcpy(key.b, p.data + src_at + length, length);
  key.ip_proto = proto;
  if ((proto == 6 || proto == 17) && p.has(transport, 4)) {
    key.sport = uint16_t(p.u16(transport));
    key.dport = uint16_t(p.u16(transport + 2));
  }
  return key;
}

PartitionKey ipv4_key(const Bytes &p, size_t at, bool quoted) {
  if (!p.has(at, 20)) return {};
  const size_t header = size_t(p.u8(at) & 0x0f) * 4;
  const bool first_fragment = (p.u16(at + 6) & 0x1fff) == 0;
  const unsigned proto = p.u8(at + 9);
  // an ICMP error quotes the datagram it is about: it joins that datagram's conversation
  if (!quoted && proto == 1 && first_fragment && header >= 20 && p.has(at + header, 8) &&
      is_icmp_error(p.u8(at + header))) {
    PartitionKey inner = ip_key(p, at + header + 8, true);
    if (inner.known) return inner;
  }
  return ip_pair_key(p, at + 12, 4, int(proto), first_fragment && header >= 20 ? at + header : p.size);
}

PartitionKey ipv6_key(const Bytes &p, size_t at, bool quoted) {
  if (!p.has(at, 40)) return {};
  PartitionKey outer = ip_pair_key(p, at + 8, 16, -1, p.size);
  unsigned next = p.u8(at + 6);
  size_t offset = at + 40;
  for (int hops = 0; hops < 8; ++hops) {  // extension headers before ICMPv6 or the transport
    if (next == 6 || next == 17 || next == 132) return ip_pair_key(p, at + 8, 16, int(next), offset);
    if (next == 58) {
      if (quoted) return outer;
      if (p.has(offset, 8) && p.u8(offset) < 128) {  // an error message (types 1-127)
        PartitionKey inner = ip_key(p, offset + 8, true);
        if (inner.known) return inner;
      }
      return outer;
    }
    if (!p.has(offset, 8)) return outer;
    if (next == 0 || next == 43 || next == 60) {
      size_t length = (size_t(p.u8(offset + 1)) + 1) * 8;
      next = p.u8(offset);
      offset += length;
    } else if (next == 44) {
      if ((p.u16(offset + 2) & 0xfff8) != 0) return outer;  // not the first fragment
      next = p.u8(offset);
      offset += 8;
    } else {
      return outer;
    }
  }
  return outer;
}

// Skips up to four 802.1Q / 802.1ad tags after an Ethernet-style type field: `type` becomes the
// tagged payload's type and `at` its offset. False when the frame ends inside a tag.
bool skip_vlan_tags(const Bytes &p, unsigned &type, size_t &at) {
  for (int tags = 0; tags < 4 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); ++tags) {
    if (!p.has(at, 4)) return false;
    type = p.u16(at + 2);
    at += 4;
  }
  return true;
}

// The payload of an Ethernet-style type field at `at`.
PartitionKey ethertype_key(const Bytes &p, unsigned type, size_t at, std::string_view mac_a, std::string_view mac_b) {
  if (!skip_vlan_tags(p, type, at)) return pair_key(mac_a, mac_b, kMac);
  switch (type) {
    case 0x0800:
    case 0x86dd: {
      PartitionKey key = ip_key(p, at);
      return key.known ? key : pair_key(mac_a, mac_b, kMac);
    }
    case 0x0806:
    case 0x8035:
      return one_group(kArp);
    case 0x8847:
    case 0x8848: {  // MPLS: the labels, then IP when the payload looks like IP
      for (int labels = 0; labels < 16 && p.has(at, 4); ++labels) {
        bool bottom = p.u8(at + 2) & 1;
        at += 4;
        if (bottom) {
          PartitionKey key = ip_key(p, at);
          return key.known ? key : pair_key(mac_a, mac_b, kMac);
        }
      }
      return pair_key(mac_a, mac_b, kMac);
    }
    case 0x8864:  // PPPoE session: PPP carrying IPv4 (0x0021) or IPv6 (0x0057)
      if (p.has(at, 8) && (p.u16(at + 6) == 0x0021 || p.u16(at + 6) == 0x0057)) {
        PartitionKey key = ip_key(p, at + 8);
        if (key.known) return key;
      }
      return pair_key(mac_a, mac_b, kMac);
    default:
      return pair_key(mac_a, mac_b, kMac);
  }
}

PartitionKey ethernet_key(const Bytes &p, size_t at = 0) {
  if (!p.has(at, 14)) return one_group(kOtherLink);
  std::string_view dst = p.slice(at, 6), src = p.slice(at + 6, 6);
  unsigned type = p.u16(at + 12);
  if (type <= 1500) return pair_key(src, dst, kMac);  // 802.3 + LLC
  return ethertype_key(p, type, at + 14, src, dst);
}

// Linux cooked captures carry only the sender's link address: non-IP frames form one group.
PartitionKey cooked_key(const Bytes &p, size_t protocol_at, size_t header) {
  if (!p.has(0, header)) return one_group(kOtherLink);
  unsigned type = p.u16(protocol_at);
  if (type == 0x0800 || type == 0x86dd) {
    PartitionKey key = ip_key(p, header);
    if (key.known) return key;
  }
  if (type == 0x0806) return one_group(kArp);
  return one_group(kOtherLink);
}

// BSD loopback: a 4-byte address family in the writer's byte order.
PartitionKey loopback_key(const Bytes &p) {
  if (!p.has(0, 4)) return one_group(kOtherLink);
  PartitionKey key = ip_key(p, 4);
  return key.known ? key : one_group(kOtherLink);
}

// --- links: the packets a frame carries through tunnels, and QUIC connection IDs ---

constexpr uint8_t kQuicId = 7;       // the tag of a QUIC connection ID's group
constexpr uint8_t kSmb2Session = 8;  // of an SMB2 session ID's
constexpr int kMaxTunnelDepth = 4;

// Where an IP packet's payload starts and what it is; false for later fragments and runts.
bool ip_payload(const Bytes &p, size_t at, unsigned &proto, size_t &payload) {
  if (!p.has(at, 1)) return false;
  if (p.u8(at) >> 4 == 4) {
    if (!p.has(at, 20) || (p.u16(at + 6) & 0x1fff) != 0) return false;
    proto = p.u8(at + 9);
    payload = at + size_t(p.u8(at) & 0x0f) * 4;
    return payload >= at + 20 && p.has(payload, 0);
  }
  if (p.u8(at) >> 4 != 6 || !p.has(at, 40)) return false;
  proto = p.u8(at + 6);
  payload = at + 40;
  for (int hops = 0; hops < 8 && p.has(payload, 8); ++hops) {
    if (proto == 0 || proto == 43 || proto == 60) {
      proto = p.u8(payload);
      payload += (size_t(p.u8(payload + 1)) + 1) * 8;
    } else if (proto == 44) {
      if ((p.u16(payload + 2) & 0xfff8) != 0) return false;  // not the first fragment
      proto = p.u8(payload);
      payload += 8;
    } else {
      break;
    }
  }
  return p.has(payload, 0);
}

// Walks a frame's tunnels, adding each carried packet's key, and QUIC connection IDs.
class LinkWalk {
 public:
  LinkWalk(const Bytes &p, PartitionLinks &out) : p_(p), out_(out) {}

  // The payload of the IP packet at `at`.
  void ip(size_t at, int depth) {
    unsigned proto = 0;
    size_t payload = 0;
    if (depth > kMaxTunnelDepth || !ip_payload(p_, at, proto, payload)) return;
    if (proto == 4 || proto == 41) carried_ip(payload, depth);
    if (proto == 47) gre(payload, depth);
    if (proto == 17 && p_.has(payload, 8)) udp(payload, depth);
    if (proto == 6 && p_.has(payload, 20)) tcp(payload);
  }

  // A carried Ethernet frame at `at`.
  void ethernet(size_t at, int depth) {
    if (!p_.has(at, 14)) return;
    add(ethernet_key(p_, at));
    unsigned type = p_.u16(at + 12);
    at += 14;
    if (skip_vlan_tags(p_, type, at) && (type == 0x0800 || type == 0x86dd)) ip(at, depth + 1);
  }

 private:
  void add(const PartitionKey &key) {
    if (key.known && out_.count < PartitionLinks::kMax) out_.key[out_.count++] = key;
  }

  void carried_ip(size_t at, int depth) {
    PartitionKey key = ip_key(p_, at);
    if (!key.known) return;
    add(key);
    ip(at, depth + 1);
  }

  // By an Ethernet-style protocol type: IP or Ethernet.
  void carried(unsigned type, size_t at, int depth) {
    if (type == 0x0800 || type == 0x86dd) carried_ip(at, depth);
    if (type == 0x6558) ethernet(at, depth);
  }

  // PPP (with or without address and control bytes) carrying IPv4 or IPv6.
  void ppp(size_t at, int depth) {
    if (p_.has(at, 2) && p_.u16(at) == 0xff03) at += 2;
    if (!p_.has(at, 2)) return;
    unsigned protocol = p_.u8(at) & 1 ? p_.u8(at) : p_.u16(at);
    at += p_.u8(at) & 1 ? 1 : 2;
    if (protocol == 0x21 || protocol == 0x57) carried_ip(at, depth);
  }

  void gre(size_t at, int depth) {
    if (!p_.has(at, 4)) return;
    const unsigned flags = p_.u16(at), type = p_.u16(at + 2);
    if (flags & 0x4000) return;  // source routing: not followed
    size_t header = 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) + (flags & 0x1000 ? 4 : 0);
    if ((flags & 7) == 1) {  // enhanced GRE (PPTP): key always, then sequence and acknowledgement
      header = 8 + (flags & 0x1000 ? 4 : 0) + (flags & 0x0080 ? 4 : 0);
      if (type == 0x880b) ppp(at + header, depth);
      return;
    }
    at += header;
    if (type == 0x88be) {  // ERSPAN type II (type I has no header and no sequence number)
      ethernet(flags & 0x1000 ? at + 8 : at, depth);
    } else if (type == 0x22eb) {  // ERSPAN type III, its optional subheader
      if (p_.has(at, 12)) ethernet(at + 12 + (p_.u8(at + 11) & 1 ? 8 : 0), depth);
    } else {
      carried(type, at, depth);
    }
  }

  void udp(size_t at, int depth) {
    const unsigned sport = p_.u16(at), dport = p_.u16(at + 2);
    const size_t h = at + 8;
    auto port = [&](unsigned n) { return sport == n || dport == n; };
    if (port(4789) || port(8472)) {  // VXLAN
      ethernet(h + 8, depth);
    } else if (port(4790) && p_.has(h, 8)) {  // VXLAN-GPE: next protocol IPv4, IPv6, Ethernet
      unsigned next = p_.u8(h + 3);
      if (next == 1 || next == 2) carried_ip(h + 8, depth);
      if (next == 3) ethernet(h + 8, depth);
    } else if (port(6081) && p_.has(h, 8)) {  // Geneve
      carried(p_.u16(h + 2), h + 8 + size_t(p_.u8(h) & 0x3f) * 4, depth);
    } else if (port(2152)) {
      gtp_u(h, depth);
    } else if (port(3544)) {
      teredo(h, depth);
    } else if (port(1701)) {
      l2tp(h, depth);
    } else {
      quic(h, sport == 443 || dport == 443);
    }
  }

  void gtp_u(size_t h, int depth) {
    if (!p_.has(h, 8) || p_.u8(h) >> 5 != 1 || p_.u8(h + 1) != 0xff) return;  // GTPv1 G-PDU
    size_t header = 8;
    if (p_.u8(h) & 0x07) {
      if (!p_.has(h, 12)) return;
      header = 12;
      for (unsigned next = p_.u8(h) & 0x04 ? p_.u8(h + 11) : 0, hops = 0; next != 0 && hops < 16; ++hops) {
        if (!p_.has(h + header, 1) || p_.u8(h + header) == 0) return;
        header += size_t(p_.u8(h + header)) * 4;
        if (!p_.has(h + header - 1, 1)) return;
        next = p_.u8(h + header - 1);
      }
    }
    carried_ip(h + header, depth);
  }

  void teredo(size_t h, int depth) {
    if (p_.has(h, 4) && p_.u16(h) == 0x0001)  // authentication indicator
      h += 4 + size_t(p_.u8(h + 2)) + size_t(p_.u8(h + 3)) + 9;
    if (p_.has(h, 2) && p_.u16(h) == 0x0000) h += 8;  // origin indication
    if (p_.has(h, 1) && p_.u8(h) >> 4 == 6) carried_ip(h, depth);
  }

  void l2tp(size_t h, int depth) {  // L2TPv2 data messages carry PPP
    if (!p_.has(h, 2)) return;
    const unsigned flags = p_.u16(h);
    if (flags & 0x8000 || (flags & 0x0f) != 2) return;
    size_t at = h + 2 + (flags & 0x4000 ? 2 : 0) + 4 + (flags & 0x0800 ? 4 : 0);
    if (flags & 0x0200) {
      if (!p_.has(at, 2)) return;
      at += 2 + p_.u16(at);
    }
    ppp(at, depth);
  }

  // An SMB2 message's session ID (libwireshark keeps SMB2 sessions by ID, across connections:
  // multichannel, reconnects): a segment that starts with a NetBIOS session message holding an
  // SMB2 header, or an encrypted message's transform header.
  void tcp(size_t at) {
    const unsigned sport = p_.u16(at), dport = p_.u16(at + 2);
    if (sport != 445 && dport != 445 && sport != 139 && dport != 139) return;
    const size_t h = at + size_t(p_.u8(at + 12) >> 4) * 4 + 4;  // after the NetBIOS header
    if (!p_.has(h, 52) || p_.u8(h - 4) != 0 || p_.u8(h + 1) != 'S' || p_.u8(h + 2) != 'M' || p_.u8(h + 3) != 'B')
      return;
    size_t id_at = 0;
    if (p_.u8(h) == 0xfe && p_.has(h, 64)) id_at = h + 40;  // SMB2 header
    if (p_.u8(h) == 0xfd) id_at = h + 44;                   // SMB3 transform header
    if (!id_at) return;
    std::string_view id = p_.slice(id_at, 8);
    if (id != std::string_view("\0\0\0\0\0\0\0\0", 8)) add(pair_key(id, {}, kSmb2Session));
  }

  // A QUIC long header's connection IDs (version 1, 2, drafts, or any version on port 443).
  void quic(size_t h, bool port_443) {
    if (!p_.has(h, 7) || (p_.u8(h) & 0xc0) != 0xc0) return;
    const uint32_t version = uint32_t(p_.u16(h + 1)) << 16 | p_.u16(h + 3);
    const bool known = version == 1 || version == 0x6b3343cf || version == 0x709a50c4 || version >> 8 == 0xff0000;
    if (!known && !port_443) return;
    size_t at = h + 5;
    for (int id = 0; id < 2; ++id) {
      if (!p_.has(at, 1) || p_.u8(at) > 20 || !p_.has(at + 1, p_.u8(at))) return;
      const size_t length = p_.u8(at);
      if (length) add(pair_key(p_.slice(at + 1, length), {}, kQuicId));
      at += 1 + length;
    }
  }

  const Bytes &p_;
  PartitionLinks &out_;
};

// Where the frame's outermost IP packet starts, by link type; false when it has none.
bool outer_ip(int encap, const Bytes &p, size_t &at) {
  unsigned type = 0;
  switch (encap) {
    case WTAP_ENCAP_ETHERNET:
      if (!p.has(0, 14)) return false;
      type = p.u16(12);
      at = 14;
      return skip_vlan_tags(p, type, at) && (type == 0x0800 || type == 0x86dd);
    case WTAP_ENCAP_RAW_IP:
    case WTAP_ENCAP_RAW_IP4:
    case WTAP_ENCAP_RAW_IP6:
      at = 0;
      return true;
    case WTAP_ENCAP_SLL:
    case WTAP_ENCAP_SLL2:
      at = encap == WTAP_ENCAP_SLL ? 16 : 20;
      if (!p.has(0, at)) return false;
      type = p.u16(encap == WTAP_ENCAP_SLL ? 14 : 0);
      return type == 0x0800 || type == 0x86dd;
    case WTAP_ENCAP_NULL:
    case WTAP_ENCAP_LOOP:
      at = 4;
      return true;
    default:
      return false;
  }
}

}  // namespace

PartitionLinks partition_links(int encap, const uint8_t *data, size_t caplen) {
  const Bytes p{data, data ? caplen : 0};
  PartitionLinks links;
  size_t at = 0;
  if (outer_ip(encap, p, at)) LinkWalk(p, links).ip(at, 0);
  return links;
}

bool is_signalling(const PartitionKey &key) {
  if (key.ip_proto == 132) return true;  // SCTP: multihomed associations span address pairs
  if (key.ip_proto != 6 && key.ip_proto != 17) return false;
  // SIP, MGCP, H.323 RAS/Q.931, RTSP, Skinny, GTP-C/U/', IAX2, MEGACO, MSRP, SAP (SDP), WireGuard
  static constexpr uint16_t kPorts[] = {5060, 5061, 2427, 2727, 1719, 1720, 554,  8554, 2000,
                                        2123, 2152, 3386, 4569, 2944, 2945, 2855, 9875, 51820};
  for (uint16_t port : kPorts)
    if (key.sport == port || key.dport == port) return true;
  return false;
}

PartitionKey partition_key(int encap, const uint8_t *data, size_t caplen) {
  const Bytes p{data, data ? caplen : 0};
  switch (encap) {
    case WTAP_ENCAP_ETHERNET:
      return ethernet_key(p);
    case WTAP_ENCAP_RAW_IP:
    case WTAP_ENCAP_RAW_IP4:
    case WTAP_ENCAP_RAW_IP6: {
      PartitionKey key = ip_key(p, 0);
      return key.known ? key : one_group(kOtherLink);
    }
    case WTAP_ENCAP_SLL:
      return cooked_key(p, 14, 16);
    case WTAP_ENCAP_SLL2:
      return cooked_key(p, 0, 20);
    case WTAP_ENCAP_NULL:
    case WTAP_ENCAP_LOOP:
      return loopback_key(p);
    default:
      return {};
  }
}

}  // namespace xtractr
