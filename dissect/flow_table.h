// flow_table.h — groups frames into bidirectional flows as they are dissected.
//
// A TCP flow is one tcp.stream, a UDP flow one udp.stream; other IP traffic groups by
// address pair and protocol; non-IP traffic by link-layer address pair. The client is the
// initiator: the sender of the first frame seen, unless that frame is a SYN+ACK.
// Flow ids count from 1 in order of first frame.
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
  uint32_t first = 0, last = 0;    // frame numbers
  int64_t first_sec = 0, last_sec = 0;
  int32_t first_nsec = 0, last_nsec = 0;
  int64_t tcp_stream = -1, udp_stream = -1;
  std::string community_id;
  int last_payload_dir = -1;
  int icmp_type = -1, icmp_code = -1;

  double time() const { return double(first_sec) + double(first_nsec) / 1e9; }
  double duration() const { return double(last_sec - first_sec) + double(last_nsec - first_nsec) / 1e9; }
};

class FlowTable {
 public:
  struct Assignment {
    uint32_t flow;
    int dir;  // 0 client→server, 1 server→client
  };
  Assignment add(const FrameRecord &frame);
  // Completes derived columns (community id); call once after the last frame.
  void finish();
  const std::vector<Flow> &flows() const { return flows_; }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<Flow> flows_;
};

}  // namespace xtractr
