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

// The payload of an Ethernet-style type field at `at`.
PartitionKey ethertype_key(const Bytes &p, unsigned type, size_t at, std::string_view mac_a, std::string_view mac_b) {
  for (int tags = 0; tags < 4 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); ++tags) {
    if (!p.has(at, 4)) return pair_key(mac_a, mac_b, kMac);
    type = p.u16(at + 2);
    at += 4;
  }
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

PartitionKey ethernet_key(const Bytes &p) {
  if (!p.has(0, 14)) return one_group(kOtherLink);
  std::string_view dst = p.slice(0, 6), src = p.slice(6, 6);
  unsigned type = p.u16(12);
  if (type <= 1500) return pair_key(src, dst, kMac);  // 802.3 + LLC
  return ethertype_key(p, type, 14, src, dst);
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

}  // namespace

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
