// partition_key.h — which conversation group a captured frame belongs to, read from its
// headers without dissecting it: the key that partitioned indexing splits a capture by.
//
// Usage (C++):
//   PartitionKey key = partition_key(rec.rec_header.packet_header.pkt_encap, data, caplen);
//   if (!key.known) ...                       // cannot be partitioned: index in one pass
//   int partition = int(key.hash % partitions);
//
// From SQL nothing changes; the partitions show in xtractr_index()'s JSON:
//   SELECT xtractr_index('/cases/big.pcapng') ->> '$.partitions';
//
// How it works: the way Zeek clusters and Suricata balance traffic across workers, frames are
// grouped by the unordered pair of IP addresses they carry, so a TCP/UDP conversation, its
// reassembly, FTP control and data, DNS queries and answers stay in one group:
// - the outermost IP header counts (a tunnel's frames follow the tunnel endpoints); IP
//   fragments carry the addresses of their datagram;
// - an ICMP/ICMPv6 error belongs to the conversation it quotes (the inner header's pair);
// - ARP frames form one group (libwireshark checks ARP claims against every earlier one);
// - other frames on Ethernet group by the unordered pair of MAC addresses; non-IP frames on
//   other links form one group.
// The key also names the pair and its ports, for the caller's own grouping (partitioned_build
// keeps every frame of a signalling host in one partition: is_signalling()).
// Link types we cannot read (802.11, PPP, USB ...) and records that are not packets are
// `known = false`: the caller indexes such a capture in one pass rather than guess.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xtractr {

struct PartitionKey {
  bool known = false;
  uint64_t hash = 0;  // equal for the frames of one group; well mixed (use hash % partitions)
  // The IP pair the group was chosen by (none for non-IP frames): address length 4 or 16, 0
  // when none; the transport protocol and ports of that IP header when it carries TCP/UDP.
  uint8_t address_length = 0;
  uint8_t a[16] = {}, b[16] = {};
  int ip_proto = -1;
  uint16_t sport = 0, dport = 0;
};

// Whether the frame is call signalling or another protocol whose dissection sets up
// conversations between other address pairs, by its ports (SIP, MGCP, H.323, RTSP, Skinny,
// GTP, IAX2, MEGACO, MSRP ...) or transport (SCTP): its hosts' frames are kept together.
bool is_signalling(const PartitionKey &key);

// `encap` is the record's WTAP_ENCAP_* link type.
PartitionKey partition_key(int encap, const uint8_t *data, size_t caplen);

// The other groups whose dissection state a frame shares, besides its own key's: the pairs of
// the packets it carries through a tunnel (IP in IP, GRE and ERSPAN, VXLAN, VXLAN-GPE, Geneve,
// GTP-U, Teredo, L2TPv2 — each the key that packet would have on its own, nested tunnels too),
// the connection IDs of a QUIC long-header packet and the session ID of an SMB2 message
// (libwireshark finds a QUIC connection and an SMB2 session by ID, whatever the addresses).
// Partitioned indexing keeps linked groups in one partition.
struct PartitionLinks {
  static constexpr int kMax = 8;
  int count = 0;
  PartitionKey key[kMax];  // a carried packet's key, or an ID's (known, hash only)
};
PartitionLinks partition_links(int encap, const uint8_t *data, size_t caplen);

}  // namespace xtractr
