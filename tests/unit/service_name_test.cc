// service_name_test.cc — which service a frame.protocols string names (dissect/service_name.h).
// Uses libwireshark's protocol table, so it initialises libwireshark once.
#include <catch2/catch.hpp>

#include "dissect/service_name.h"
#include "dissect/wireshark_runtime.h"

using xtractr::service_from_protocols;

TEST_CASE("the service is the first protocol above the innermost transport by its short name", "[service_name]") {
  xtractr::ensure_wireshark();
  CHECK(service_from_protocols("eth:ethertype:ip:tcp:http") == "HTTP");
  CHECK(service_from_protocols("eth:ethertype:ip:tcp:http:data-text-lines") == "HTTP");
  CHECK(service_from_protocols("eth:ethertype:ipv6:udp:dns") == "DNS");
  CHECK(service_from_protocols("eth:ethertype:ip:tcp:tls:x509sat:x509af") == "TLS");
  CHECK(service_from_protocols("eth:ethertype:ip:tcp:nbss:smb2") == "SMB2");  // NBSS only frames it
  CHECK(service_from_protocols("eth:ethertype:ip:tcp:nbss") == "TCP");
  CHECK(service_from_protocols("eth:ethertype:ip:udp:data") == "UDP");  // undissected payload
  CHECK(service_from_protocols("eth:ethertype:ip:tcp") == "TCP");
  CHECK(service_from_protocols("sll:ethertype:ip:sctp") == "SCTP");
}

TEST_CASE("tunnels: the innermost transport decides", "[service_name]") {
  xtractr::ensure_wireshark();
  CHECK(service_from_protocols("eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp:http") == "HTTP");
  CHECK(service_from_protocols("eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp") == "TCP");
  CHECK(service_from_protocols("eth:ethertype:ip:gre:ip:udp:dns") == "DNS");
}

TEST_CASE("without a transport: above the network layer else the topmost protocol", "[service_name]") {
  xtractr::ensure_wireshark();
  CHECK(service_from_protocols("eth:ethertype:ip:icmp") == "ICMP");
  CHECK(service_from_protocols("eth:ethertype:ip:icmp:ip:udp") == "UDP");  // an ICMP error quoting UDP
  CHECK(service_from_protocols("eth:ethertype:ipv6:icmpv6") == "ICMPv6");
  CHECK(service_from_protocols("eth:ethertype:arp") == "ARP/RARP");  // Wireshark's short name
  CHECK(service_from_protocols("eth:ethertype:ip") == "IPv4");
  CHECK(service_from_protocols("eth:llc:stp") == "STP");
  CHECK(service_from_protocols("").empty());
}

TEST_CASE("transport services are recognised", "[service_name]") {
  CHECK(xtractr::is_transport_service("TCP"));
  CHECK(xtractr::is_transport_service("UDP"));
  CHECK(xtractr::is_transport_service("IPv6"));
  CHECK_FALSE(xtractr::is_transport_service("HTTP"));
  CHECK_FALSE(xtractr::is_transport_service("ICMP"));
}
