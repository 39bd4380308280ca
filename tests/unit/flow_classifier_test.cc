// flow_classifier_test.cc — grouping frames into flows (dissect/flow_classifier.h).
#include <catch2/catch.hpp>

#include <string>

#include "dissect/flow_classifier.h"

using namespace xtractr;

namespace {

constexpr int kSyn = 0x02, kAck = 0x10, kPsh = 0x08;

FrameRecord tcp(uint32_t number, const char *src, unsigned sport, const char *dst, unsigned dport, int64_t stream,
                int flags, int64_t payload, const char *service = "TCP") {
  FrameRecord f;
  f.number = number;
  f.ts_sec = 1000 + number;
  f.length = 60 + uint32_t(payload);
  f.net_src = src;
  f.net_dst = dst;
  f.sport = sport;
  f.dport = dport;
  f.has_ports = true;
  f.ip_proto = 6;
  f.tcp_stream = stream;
  f.tcp_flags = flags;
  f.payload = payload;
  f.service = service;
  f.title = std::string(service) + " frame " + std::to_string(number);
  return f;
}

FrameRecord udp(uint32_t number, const char *src, unsigned sport, const char *dst, unsigned dport, int64_t stream,
                const char *service) {
  FrameRecord f = tcp(number, src, sport, dst, dport, -1, -1, 20, service);
  f.ip_proto = 17;
  f.udp_stream = stream;
  return f;
}

}  // namespace

TEST_CASE("a TCP connection is one flow - the initiator is the client", "[flow_classifier]") {
  FlowClassifier table;
  auto a = table.add(tcp(1, "10.0.0.1", 51000, "10.0.0.2", 80, 0, kSyn, 0));
  auto b = table.add(tcp(2, "10.0.0.2", 80, "10.0.0.1", 51000, 0, kSyn | kAck, 0));
  auto c = table.add(tcp(3, "10.0.0.1", 51000, "10.0.0.2", 80, 0, kAck | kPsh, 100, "HTTP"));
  auto d = table.add(tcp(4, "10.0.0.1", 51000, "10.0.0.2", 80, 0, kAck | kPsh, 50, "HTTP"));
  auto e = table.add(tcp(5, "10.0.0.2", 80, "10.0.0.1", 51000, 0, kAck | kPsh, 900, "HTTP"));
  CHECK(a.flow == b.flow);
  CHECK(b.flow == c.flow);
  CHECK(a.dir == 0);
  CHECK(b.dir == 1);
  CHECK(c.dir == 0);
  CHECK(e.dir == 1);
  auto ids = table.finish();
  REQUIRE(table.flows().size() == 1);
  const Flow &f = table.flows()[0];
  CHECK(ids[a.flow] == f.id);
  CHECK(f.id == 1);
  CHECK(f.src == "10.0.0.1");
  CHECK(f.dst == "10.0.0.2");
  CHECK(f.sport == 51000);
  CHECK(f.dport == 80);
  CHECK(f.proto == 6);
  CHECK(f.packets == 5);
  CHECK(f.bytes == 5 * 60 + 100 + 50 + 900);
  CHECK(f.first == 1);
  CHECK(f.last == 5);
  CHECK(f.service == "HTTP");  // the first application protocol seen
  CHECK(f.title == "HTTP frame 3");
  CHECK(f.cmsgs == 1);  // frames 3 and 4 are one client message
  CHECK(f.smsgs == 1);
  CHECK(f.duration() == Approx(4.0));
  CHECK(f.community_id.rfind("1:", 0) == 0);
  (void)d;
}

TEST_CASE("a capture that starts at the SYN+ACK still makes the initiator the client", "[flow_classifier]") {
  FlowClassifier table;
  auto a = table.add(tcp(1, "10.0.0.2", 80, "10.0.0.1", 51000, 7, kSyn | kAck, 0));
  auto b = table.add(tcp(2, "10.0.0.1", 51000, "10.0.0.2", 80, 7, kAck, 0));
  table.finish();
  const Flow &f = table.flows().at(0);
  CHECK(f.src == "10.0.0.1");
  CHECK(f.sport == 51000);
  CHECK(f.dport == 80);
  CHECK(a.dir == 1);
  CHECK(b.dir == 0);
}

TEST_CASE("streams not address pairs separate flows - ids follow first frames", "[flow_classifier]") {
  FlowClassifier table;
  // two connections between the same hosts and ports (port reuse): two tcp.streams
  auto a = table.add(tcp(1, "10.0.0.1", 51000, "10.0.0.2", 80, 0, kSyn, 0));
  auto b = table.add(udp(2, "10.0.0.1", 5353, "10.0.0.9", 53, 0, "DNS"));
  auto c = table.add(tcp(3, "10.0.0.1", 51000, "10.0.0.2", 80, 1, kSyn, 0));
  auto d = table.add(udp(4, "10.0.0.9", 53, "10.0.0.1", 5353, 0, "DNS"));
  auto e = table.add(udp(5, "10.0.0.1", 5353, "10.0.0.9", 53, 0, "DNS"));
  CHECK(a.flow != c.flow);
  CHECK(b.flow == d.flow);
  CHECK(d.dir == 1);
  auto ids = table.finish();
  REQUIRE(table.flows().size() == 3);
  CHECK(ids[a.flow] == 1);
  CHECK(ids[b.flow] == 2);
  CHECK(ids[c.flow] == 3);
  const Flow &dns = table.flows()[1];
  CHECK(dns.proto == 17);
  CHECK(dns.service == "DNS");
  CHECK(dns.cmsgs == 2);  // every datagram with payload is a message
  CHECK(dns.smsgs == 1);
  (void)e;
}

TEST_CASE("other IP traffic groups by address pair and protocol - non-IP by link addresses", "[flow_classifier]") {
  FlowClassifier table;
  FrameRecord ping;
  ping.number = 1;
  ping.net_src = "192.168.0.89";
  ping.net_dst = "192.168.0.1";
  ping.ip_proto = 1;
  ping.icmp_type = 8;
  ping.icmp_code = 0;
  ping.service = "ICMP";
  FrameRecord pong = ping;
  pong.number = 2;
  std::swap(pong.net_src, pong.net_dst);
  pong.icmp_type = 0;
  FrameRecord arp;
  arp.number = 3;
  arp.link_src = "00:11:22:33:44:55";
  arp.link_dst = "ff:ff:ff:ff:ff:ff";
  arp.service = "ARP/RARP";
  FrameRecord arp_reply = arp;
  arp_reply.number = 4;
  std::swap(arp_reply.link_src, arp_reply.link_dst);
  auto a = table.add(ping);
  auto b = table.add(pong);
  auto c = table.add(arp);
  auto d = table.add(arp_reply);
  CHECK(a.flow == b.flow);
  CHECK(b.dir == 1);
  CHECK(c.flow == d.flow);
  CHECK(c.flow != a.flow);
  CHECK(d.dir == 1);
  table.finish();
  REQUIRE(table.flows().size() == 2);
  const Flow &icmp = table.flows()[0];
  CHECK(icmp.proto == 1);
  CHECK_FALSE(icmp.has_ports);
  // the spec's vector for this echo exchange (see community_id_test.cc)
  CHECK(icmp.community_id == "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
  const Flow &link = table.flows()[1];
  CHECK(link.proto == -1);
  CHECK(link.src == "00:11:22:33:44:55");
  CHECK(link.community_id.empty());
}

TEST_CASE("a tunnel is a flow of its own that counts the frames it carries", "[flow_classifier]") {
  // VXLAN: an inner TCP connection inside one outer UDP stream, then a GRE tunnel (an IP pair)
  auto in_udp = [](FrameRecord f, bool reply) {
    TunnelLayer t;
    t.src = reply ? "192.0.2.2" : "192.0.2.1";
    t.dst = reply ? "192.0.2.1" : "192.0.2.2";
    t.ip_proto = 17;
    t.udp_stream = 0;
    t.sport = reply ? 4789 : 50000;
    t.dport = reply ? 50000 : 4789;
    t.service = "VXLAN";
    f.tunnels.push_back(t);
    return f;
  };
  auto in_gre = [](FrameRecord f) {
    TunnelLayer t;
    t.src = "198.51.100.1";
    t.dst = "198.51.100.2";
    t.ip_proto = 47;
    t.service = "GRE";
    f.tunnels.push_back(t);
    return f;
  };
  FlowClassifier table;
  auto a = table.add(in_udp(tcp(1, "10.0.0.1", 51000, "10.0.0.2", 80, 0, kSyn, 0), false));
  auto b = table.add(in_udp(tcp(2, "10.0.0.2", 80, "10.0.0.1", 51000, 0, kSyn | kAck, 0), true));
  auto c = table.add(in_udp(tcp(3, "10.0.0.1", 51000, "10.0.0.2", 80, 0, kAck | kPsh, 100, "HTTP"), false));
  auto d = table.add(in_gre(udp(4, "10.0.0.1", 5353, "10.0.0.3", 53, 1, "DNS")));
  auto e = table.add(udp(5, "10.0.0.1", 5353, "10.0.0.4", 53, 2, "DNS"));
  CHECK(a.flow == b.flow);
  CHECK(a.tunnel != 0);
  CHECK(a.tunnel == c.tunnel);
  CHECK(d.tunnel != 0);
  CHECK(d.tunnel != a.tunnel);
  CHECK(e.tunnel == 0);
  auto ids = table.finish();
  // by first frame: the UDP tunnel (frame 1, created before the TCP flow), TCP, GRE, DNS, DNS
  REQUIRE(table.flows().size() == 5);
  const Flow &outer = table.flows()[ids[a.tunnel] - 1];
  const Flow &inner = table.flows()[ids[a.flow] - 1];
  CHECK(outer.proto == 17);
  CHECK(outer.udp_stream == 0);
  CHECK(outer.service == "VXLAN");
  CHECK(outer.packets == 3);
  CHECK(outer.bytes == inner.bytes);
  CHECK(outer.src == "192.0.2.1");
  CHECK(outer.dport == 4789);
  CHECK(outer.smsgs == 1);  // every datagram a message: 2 from the client, 1 from the server
  CHECK(outer.cmsgs == 2);
  CHECK(outer.tunnel == 0);
  CHECK(inner.tunnel == outer.id);
  CHECK(inner.packets == 3);
  CHECK(inner.service == "HTTP");
  const Flow &gre = table.flows()[ids[d.tunnel] - 1];
  CHECK(gre.proto == 47);
  CHECK(!gre.has_ports);
  CHECK(gre.packets == 1);
  CHECK(gre.cmsgs + gre.smsgs == 0);
  CHECK(table.flows()[ids[d.flow] - 1].tunnel == gre.id);
  CHECK(table.flows()[ids[e.flow] - 1].tunnel == 0);
}
