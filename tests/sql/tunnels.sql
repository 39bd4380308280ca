-- Tunnels as flows (issue 13): the outer conversation of a tunnel (VXLAN, GTP-U, Teredo, L2TP,
-- GENEVE over UDP; GRE, ERSPAN, IP in IP over IP) is a flow of its own, with its own packets and
-- bytes; a flow inside one names it in `tunnel` (the tunnel of its first frame, as Zeek's
-- conn.log tunnel_parents), a packet the tunnel it travels in. The capture (zeek's
-- tunnels/vxlan.pcap): pings between 10.0.0.1 and 10.0.0.2 inside VXLAN between 192.168.56.11
-- and .12, one UDP stream per direction, and two ARP frames. tshark's distinct udp.stream values
-- of every layer are printed beside the UDP flows (tests/corpus/diff_tshark.py checks every
-- capture that way, and that the frames of a stream are those of its flow).
.headers on
.shell export WIRESHARK_CONFIG_DIR=/nonexistent; echo "tshark udp.stream values: $(tshark -n -r vxlan_icmp_arp__zeek.pcap -T fields -E occurrence=a -E aggregator=, -e udp.stream 2>/dev/null | tr , '\n' | grep . | sort -u | wc -l)"
SELECT count(*) AS udp_flows FROM flows('vxlan_icmp_arp__zeek.pcap') WHERE proto = 17;
-- the README's examples
SELECT id, src, dst, sport, dport, service, packets, tunnel FROM flows('vxlan_icmp_arp__zeek.pcap');
SELECT id, flow, tunnel FROM packets('vxlan_icmp_arp__zeek.pcap', 'flow.sport:38071');
SELECT id, proto, bytes FROM flows('vxlan_icmp_arp__zeek.pcap');
-- a packet: its own flow and the tunnel it travels in (the ARP frames' own flow is the tunnel's)
SELECT id, flow, tunnel, service FROM packets('vxlan_icmp_arp__zeek.pcap');
-- the query language selects either: flows inside a tunnel, a tunnel by its own fields, and a
-- tunnel's frames; a flow matches a field when one of its packets does, so the tunnel that
-- carried the echo requests matches too
SELECT group_concat(id) AS inner_flows FROM flows('vxlan_icmp_arp__zeek.pcap', 'flow.tunnel:*');
SELECT group_concat(id) AS inside_flow_3 FROM flows('vxlan_icmp_arp__zeek.pcap', 'flow.tunnel:3');
SELECT group_concat(id) AS vxlan_flows FROM flows('vxlan_icmp_arp__zeek.pcap', 'flow.service:VXLAN');
SELECT group_concat(id) AS frames_of_flow_5 FROM packets('vxlan_icmp_arp__zeek.pcap', 'flow.sport:38071');
SELECT group_concat(id) AS echo_request_flows FROM flows('vxlan_icmp_arp__zeek.pcap', 'icmp.type:8');
SELECT group_concat(id) AS tunnelled_frames FROM packets('vxlan_icmp_arp__zeek.pcap', 'flow.tunnel:*');
-- the doc has `tunnel` when there is one
SELECT json_extract(doc, '$.tunnel') AS doc_tunnel, field(doc, 'tunnel') AS field_tunnel
  FROM flows('vxlan_icmp_arp__zeek.pcap') WHERE id = 4;
SELECT count(*) AS docs_with_tunnel FROM packets('vxlan_icmp_arp__zeek.pcap') WHERE json_extract(doc, '$.tunnel') IS NOT NULL;
-- in a collection (files in name order: the pings first), tunnel ids continue like flow ids
.shell mkdir -p coll && cp icmp_5pings__zeek.pcap vxlan_icmp_arp__zeek.pcap coll/
SELECT (SELECT count(*) FROM flows('icmp_5pings__zeek.pcap')) AS flows_before;
SELECT id, tunnel FROM flows('coll') WHERE tunnel IS NOT NULL;
SELECT DISTINCT tunnel FROM packets('coll') WHERE tunnel IS NOT NULL ORDER BY 1;
