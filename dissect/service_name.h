// service_name.h — which application protocol a frame carries, by Wireshark's own dissection.
//
// Reads frame.protocols ("eth:ethertype:ip:tcp:http:data-text-lines") and names the first
// protocol above the innermost transport (HTTP), else the transport (TCP), else the protocol
// above the innermost network layer (ICMP), else the topmost protocol (ARP). Names are
// Wireshark's protocol short names: HTTP, DNS, TLS, SMB2, SIP, TCP, UDP, ICMPv6...
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xtractr {

std::string service_from_protocols(std::string_view frame_protocols);

// What the `nth` (0-based) IP layer of frame.protocols carries, as a tunnel's service: the
// first protocol above it, or above its transport when `over_transport` (VXLAN for
// "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp", 0, true; GRE for "ip:gre:ip:tcp", 0, false).
std::string tunnel_service(std::string_view frame_protocols, size_t nth, bool over_transport);

// The layers of frame.protocols ("eth:ethertype:ip:udp:dns" -> eth, ethertype, ip, udp, dns).
std::vector<std::string_view> protocol_layers(std::string_view frame_protocols);

// True when the service is a transport or network protocol rather than an application.
bool is_transport_service(std::string_view service);

}  // namespace xtractr
