// flow_classifier.h — groups frames into bidirectional flows as they are dissected.
//
// A TCP flow is one tcp.stream, a UDP flow one udp.stream; other IP traffic groups by
// address pair and protocol; non-IP traffic by link-layer address pair. The client is the
// initiator: the sender of the first frame seen, unless that frame is a SYN+ACK.
// IP fragments belong to the flow of the datagram they are reassembled into: until the last
// fragment arrives they sit in an address-pair flow, then they move (see moves()), and flows
// left empty are dropped when finish() numbers the flows, in order of first frame, from 1.
// Tunnels are flows too: each TunnelLayer of a frame (its outer UDP/TCP stream or IP pair) is
// a flow that counts the frame, and a flow's `tunnel` is the innermost tunnel of its first
// frame (as Zeek's conn.log tunnel_parents); a frame's own tunnel is in its Assignment.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "dissect/frame_record.h"

namespace xtractr {

struct Flow {
  uint32_t id = 0;
  int proto = -1;  // IP protocol number, -1 when not IP
  std::string src, dst;
  uint32_t sport = 0, dport = 0;
  bool has_ports = false;
  std::string service, title;
  uint64_t packets = 0, bytes = 0;
  uint64_t cmsgs = 0, smsgs = 0;  // application messages (runs of payload in one direction)
  uint32_t first = 0, last = 0;   // frame numbers
  int64_t first_sec = 0, last_sec = 0;
  int32_t first_nsec = 0, last_nsec = 0;
  int64_t tcp_stream = -1, udp_stream = -1;
  std::string community_id;
  int last_payload_dir = -1;
  int icmp_type = -1, icmp_code = -1;
  uint32_t tunnel = 0;  // the flow of the tunnel that carries it (of its first frame), 0 when none

  double time() const { return double(first_sec) + double(first_nsec) / 1e9; }
  double duration() const { return double((last_sec - first_sec) * 1000000000 + (last_nsec - first_nsec)) / 1e9; }
};

class FlowClassifier {
 public:
  struct FlowFacts;  // a frame's own packet or one of its tunnels, as flows see them
  struct Assignment {
    uint32_t flow;
    int dir;              // 0 client→server, 1 server→client
    uint32_t tunnel = 0;  // the innermost tunnel flow the frame travels in, 0 when none
  };
  // The frame's provisional flow and tunnel (renumbered by finish()) and direction.
  Assignment add(const FrameRecord &frame);

  // Earlier frames whose flow changed (fragments joining their datagram's flow), with their
  // new provisional flow and direction; cleared by the call.
  struct Move {
    uint32_t frame, flow;
    int dir;
    uint32_t tunnel;
  };
  std::vector<Move> take_moves();

  // Drops flows left empty, numbers the rest by first frame from 1 and completes derived
  // columns (community id). Returns provisional id → final id (0 for dropped), index 0 unused.
  std::vector<uint32_t> finish();
  const std::vector<Flow> &flows() const { return flows_; }

 private:
  struct LoneFrame {  // a frame in an address-pair flow that a reassembly may claim later
    uint32_t flow;
    uint32_t length;
    int64_t ts_sec;
    int32_t ts_nsec;
  };
  // The flow of `key`, created from `first` (a frame, or a tunnel layer's facts) when new.
  Flow &flow_of(const std::string &key, const FlowFacts &first, const FrameRecord &frame);
  // Counts the frame into `flow`; returns its direction there.
  int count(Flow &flow, const FlowFacts &facts, const FrameRecord &frame);
  void claim_fragment(uint32_t frame, uint32_t flow_id, const std::vector<uint32_t> &tunnels);
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<Flow> flows_;
  std::unordered_map<uint32_t, LoneFrame> lone_frames_;
  std::vector<Move> moves_;
  std::vector<uint32_t> tunnel_flows_;  // of the frame being added, outermost first
};

}  // namespace xtractr
