// flow_classifier.cc — see flow_classifier.h.
#include "dissect/flow_classifier.h"

#include <algorithm>

#include "dissect/community_id.h"
#include "dissect/service_name.h"

namespace xtractr {

namespace {

std::string flow_key(const FrameRecord &f) {
  if (f.tcp_stream >= 0) return "t" + std::to_string(f.tcp_stream);
  if (f.udp_stream >= 0) return "u" + std::to_string(f.udp_stream);
  if (!f.net_src.empty()) {
    bool forward = f.net_src < f.net_dst;
    const std::string &a = forward ? f.net_src : f.net_dst, &b = forward ? f.net_dst : f.net_src;
    return "i" + std::to_string(f.ip_proto) + "|" + a + "|" + b;
  }
  bool forward = f.link_src < f.link_dst;
  const std::string &a = forward ? f.link_src : f.link_dst, &b = forward ? f.link_dst : f.link_src;
  return "l|" + a + "|" + b;
}

constexpr int kSyn = 0x02, kAck = 0x10;

}  // namespace

FlowClassifier::Assignment FlowClassifier::add(const FrameRecord &f) {
  std::string key = flow_key(f);
  auto found = index_.find(key);
  bool is_ip = !f.net_src.empty();
  if (found == index_.end()) {
    Flow flow;
    flow.id = uint32_t(flows_.size() + 1);
    flow.proto = is_ip ? f.ip_proto : -1;
    flow.tcp_stream = f.tcp_stream;
    flow.udp_stream = f.udp_stream;
    flow.has_ports = f.has_ports && (f.tcp_stream >= 0 || f.udp_stream >= 0 || f.ip_proto == 132 || f.ip_proto == 33);
    bool reversed = f.tcp_stream >= 0 && f.tcp_flags >= 0 && (f.tcp_flags & kSyn) && (f.tcp_flags & kAck);
    const std::string &s = is_ip ? f.net_src : f.link_src, &d = is_ip ? f.net_dst : f.link_dst;
    flow.src = reversed ? d : s;
    flow.dst = reversed ? s : d;
    if (flow.has_ports) {
      flow.sport = reversed ? f.dport : f.sport;
      flow.dport = reversed ? f.sport : f.dport;
    }
    flow.icmp_type = f.icmp_type;
    flow.icmp_code = f.icmp_code;
    flow.first = f.number;
    flow.first_sec = f.ts_sec;
    flow.first_nsec = f.ts_nsec;
    flows_.push_back(std::move(flow));
    found = index_.emplace(std::move(key), uint32_t(flows_.size())).first;
  }
  Flow &flow = flows_[found->second - 1];
  int dir;
  if (is_ip)
    dir = (f.net_src == flow.src && (!flow.has_ports || f.sport == flow.sport)) ? 0 : 1;
  else
    dir = f.link_src == flow.src ? 0 : 1;
  // a frame between one host and itself: the source port decides, else the first frame's way
  if (is_ip && flow.src == flow.dst && flow.has_ports) dir = f.sport == flow.sport ? 0 : 1;

  ++flow.packets;
  flow.bytes += f.length;
  flow.last = f.number;
  flow.last_sec = f.ts_sec;
  flow.last_nsec = f.ts_nsec;
  // the service is the first application protocol seen; until then the transport's
  if (flow.service.empty() || (is_transport_service(flow.service) && !is_transport_service(f.service))) {
    flow.service = f.service;
    flow.title = f.title;
  }
  if (f.payload > 0) {
    if (f.udp_stream >= 0 || dir != flow.last_payload_dir) {
      if (dir == 0)
        ++flow.cmsgs;
      else
        ++flow.smsgs;
    }
    flow.last_payload_dir = dir;
  }
  const uint32_t id = flow.id;
  // frames of a transport protocol that have no transport header: fragments, until claimed
  const bool fragment_like = f.ip_proto == 6 || f.ip_proto == 17 || f.ip_proto == 44 || f.ip_proto == 132;
  if (is_ip && fragment_like && f.tcp_stream < 0 && f.udp_stream < 0)
    lone_frames_[f.number] = LoneFrame{id, f.length, f.ts_sec, f.ts_nsec};
  for (uint32_t earlier : f.fragment_frames) claim_fragment(earlier, id);
  return {id, dir};
}

void FlowClassifier::claim_fragment(uint32_t frame, uint32_t flow_id) {
  auto found = lone_frames_.find(frame);
  if (found == lone_frames_.end() || found->second.flow == flow_id) return;
  Flow &from = flows_[found->second.flow - 1];
  Flow &to = flows_[flow_id - 1];
  --from.packets;
  from.bytes -= found->second.length;
  ++to.packets;
  to.bytes += found->second.length;
  const LoneFrame &lone = found->second;
  if (frame < to.first) to.first = frame;
  if (lone.ts_sec < to.first_sec || (lone.ts_sec == to.first_sec && lone.ts_nsec < to.first_nsec)) {
    to.first_sec = lone.ts_sec;
    to.first_nsec = lone.ts_nsec;
  }
  // the fragment's direction: a fragment travels the way its datagram does
  int dir = from.src == to.src ? 0 : 1;
  moves_.push_back(Move{frame, flow_id, dir});
  lone_frames_.erase(found);
}

std::vector<FlowClassifier::Move> FlowClassifier::take_moves() {
  std::vector<Move> out;
  out.swap(moves_);
  return out;
}

std::vector<uint32_t> FlowClassifier::finish() {
  std::vector<uint32_t> final_id(flows_.size() + 1, 0);
  std::vector<Flow> kept;
  kept.reserve(flows_.size());
  for (Flow &flow : flows_) {
    if (flow.packets == 0) continue;
    kept.push_back(std::move(flow));
  }
  // first frames may have moved earlier (claimed fragments): number by first frame
  std::stable_sort(kept.begin(), kept.end(), [](const Flow &a, const Flow &b) { return a.first < b.first; });
  for (size_t i = 0; i < kept.size(); ++i) {
    final_id[kept[i].id] = uint32_t(i + 1);
    kept[i].id = uint32_t(i + 1);
  }
  flows_.swap(kept);
  lone_frames_.clear();
  for (Flow &flow : flows_) {
    if (flow.proto < 0) continue;
    if (flow.proto == 1 || flow.proto == 58) {
      if (flow.icmp_type >= 0)
        flow.community_id = community_id(flow.src, flow.dst, flow.proto, unsigned(flow.icmp_type),
                                         unsigned(flow.icmp_code < 0 ? 0 : flow.icmp_code), true);
    } else {
      flow.community_id = community_id(flow.src, flow.dst, flow.proto, flow.sport, flow.dport, flow.has_ports);
    }
  }
  return final_id;
}

}  // namespace xtractr
