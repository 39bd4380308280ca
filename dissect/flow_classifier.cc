// flow_classifier.cc — see flow_classifier.h.
#include "dissect/flow_classifier.h"

#include <algorithm>

#include "dissect/community_id.h"
#include "dissect/service_name.h"

namespace xtractr {

// What keys, creates and counts a flow: a frame's own packet, or one of its tunnels.
struct FlowClassifier::FlowFacts {
  const std::string &net_src, &net_dst;
  int ip_proto;
  int64_t tcp_stream, udp_stream;
  uint32_t sport, dport;
  bool has_ports;
  int tcp_flags, icmp_type, icmp_code;
  const std::string &service;
  int64_t payload;
};

namespace {

using FlowFacts = FlowClassifier::FlowFacts;

FlowFacts own_facts(const FrameRecord &f) {
  return FlowFacts{f.net_src,   f.net_dst,   f.ip_proto,  f.tcp_stream, f.udp_stream, f.sport,  f.dport,
                   f.has_ports, f.tcp_flags, f.icmp_type, f.icmp_code,  f.service,    f.payload};
}

// A tunnel's stream carries a message in every frame; an IP-pair tunnel (GRE, IP in IP)
// has no payload of its own, like other flows without ports.
FlowFacts tunnel_facts(const TunnelLayer &t, const FrameRecord &f) {
  const bool stream = t.tcp_stream >= 0 || t.udp_stream >= 0;
  return FlowFacts{t.src,
                   t.dst,
                   t.ip_proto,
                   t.tcp_stream,
                   t.udp_stream,
                   t.sport,
                   t.dport,
                   stream,
                   -1,
                   -1,
                   -1,
                   t.service,
                   stream ? int64_t(f.length) : 0};
}

std::string flow_key(const FlowFacts &f, const FrameRecord &frame) {
  if (f.tcp_stream >= 0) return "t" + std::to_string(f.tcp_stream);
  if (f.udp_stream >= 0) return "u" + std::to_string(f.udp_stream);
  if (!f.net_src.empty()) {
    bool forward = f.net_src < f.net_dst;
    const std::string &a = forward ? f.net_src : f.net_dst, &b = forward ? f.net_dst : f.net_src;
    return "i" + std::to_string(f.ip_proto) + "|" + a + "|" + b;
  }
  bool forward = frame.link_src < frame.link_dst;
  const std::string &a = forward ? frame.link_src : frame.link_dst, &b = forward ? frame.link_dst : frame.link_src;
  return "l|" + a + "|" + b;
}

constexpr int kSyn = 0x02, kAck = 0x10;

}  // namespace

FlowClassifier::Assignment FlowClassifier::add(const FrameRecord &f) {
  const FlowFacts own = own_facts(f);
  const std::string own_key = flow_key(own, f);
  // the tunnels first, outermost first: each is a flow that counts the frame (a layer that
  // keys like the frame's own flow or an outer one is not counted twice)
  std::vector<std::string> keys;
  tunnel_flows_.clear();
  for (const TunnelLayer &t : f.tunnels) {
    const FlowFacts facts = tunnel_facts(t, f);
    std::string key = flow_key(facts, f);
    if (key == own_key || std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    Flow &flow = flow_of(key, facts, f);
    count(flow, facts, f);
    tunnel_flows_.push_back(flow.id);
    keys.push_back(std::move(key));
  }
  const uint32_t tunnel = tunnel_flows_.empty() ? 0 : tunnel_flows_.back();
  Flow &flow = flow_of(own_key, own, f);
  const int dir = count(flow, own, f);
  const uint32_t id = flow.id;
  // frames of a transport protocol that have no transport header: fragments, until claimed
  const bool fragment_like = f.ip_proto == 6 || f.ip_proto == 17 || f.ip_proto == 44 || f.ip_proto == 132;
  if (!f.net_src.empty() && fragment_like && f.tcp_stream < 0 && f.udp_stream < 0)
    lone_frames_[f.number] = LoneFrame{id, f.length, f.ts_sec, f.ts_nsec};
  for (uint32_t earlier : f.fragment_frames) claim_fragment(earlier, id, tunnel_flows_);
  return {id, dir, tunnel};
}

Flow &FlowClassifier::flow_of(const std::string &key, const FlowFacts &f, const FrameRecord &frame) {
  auto found = index_.find(key);
  if (found != index_.end()) return flows_[found->second - 1];
  const bool is_ip = !f.net_src.empty();
  Flow flow;
  flow.id = uint32_t(flows_.size() + 1);
  flow.proto = is_ip ? f.ip_proto : -1;
  flow.tcp_stream = f.tcp_stream;
  flow.udp_stream = f.udp_stream;
  flow.has_ports = f.has_ports && (f.tcp_stream >= 0 || f.udp_stream >= 0 || f.ip_proto == 132 || f.ip_proto == 33);
  bool reversed = f.tcp_stream >= 0 && f.tcp_flags >= 0 && (f.tcp_flags & kSyn) && (f.tcp_flags & kAck);
  const std::string &s = is_ip ? f.net_src : frame.link_src, &d = is_ip ? f.net_dst : frame.link_dst;
  flow.src = reversed ? d : s;
  flow.dst = reversed ? s : d;
  if (flow.has_ports) {
    flow.sport = reversed ? f.dport : f.sport;
    flow.dport = reversed ? f.sport : f.dport;
  }
  flow.icmp_type = f.icmp_type;
  flow.icmp_code = f.icmp_code;
  flow.first = frame.number;
  flow.first_sec = frame.ts_sec;
  flow.first_nsec = frame.ts_nsec;
  // created by its first frame: the tunnels counted before it are that frame's
  flow.tunnel = tunnel_flows_.empty() ? 0 : tunnel_flows_.back();
  flows_.push_back(std::move(flow));
  index_.emplace(key, uint32_t(flows_.size()));
  return flows_.back();
}

int FlowClassifier::count(Flow &flow, const FlowFacts &f, const FrameRecord &frame) {
  const bool is_ip = !f.net_src.empty();
  int dir;
  if (is_ip)
    dir = (f.net_src == flow.src && (!flow.has_ports || f.sport == flow.sport)) ? 0 : 1;
  else
    dir = frame.link_src == flow.src ? 0 : 1;
  // a frame between one host and itself: the source port decides, else the first frame's way
  if (is_ip && flow.src == flow.dst && flow.has_ports) dir = f.sport == flow.sport ? 0 : 1;

  ++flow.packets;
  flow.bytes += frame.length;
  flow.last = frame.number;
  flow.last_sec = frame.ts_sec;
  flow.last_nsec = frame.ts_nsec;
  // the service is the first application protocol seen; until then the transport's
  if (flow.service.empty() || (is_transport_service(flow.service) && !is_transport_service(f.service))) {
    flow.service = f.service;
    flow.title = frame.title;
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
  return dir;
}

void FlowClassifier::claim_fragment(uint32_t frame, uint32_t flow_id, const std::vector<uint32_t> &tunnels) {
  auto found = lone_frames_.find(frame);
  if (found == lone_frames_.end() || found->second.flow == flow_id) return;
  // the fragment travelled in the tunnels of its datagram too
  for (uint32_t tunnel : tunnels) {
    Flow &t = flows_[tunnel - 1];
    ++t.packets;
    t.bytes += found->second.length;
  }
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
  moves_.push_back(Move{frame, flow_id, dir, tunnels.empty() ? 0 : tunnels.back()});
  lone_frames_.erase(found);
}

std::vector<FlowClassifier::Move> FlowClassifier::take_moves() {
  std::vector<Move> out;
  out.swap(moves_);
  return out;
}

std::vector<uint32_t> FlowClassifier::finish() {
  std::vector<uint32_t> final_id(flows_.size() + 1, 0);
  // In place: the flows are the largest thing a build keeps to its end, and a second vector
  // of them (or stable_sort's buffer) would double that at the peak.
  flows_.erase(std::remove_if(flows_.begin(), flows_.end(), [](const Flow &f) { return f.packets == 0; }),
               flows_.end());
  // first frames may have moved earlier (claimed fragments): number by first frame, ties in
  // order of the provisional ids (what a stable sort would give)
  std::sort(flows_.begin(), flows_.end(),
            [](const Flow &a, const Flow &b) { return a.first != b.first ? a.first < b.first : a.id < b.id; });
  for (size_t i = 0; i < flows_.size(); ++i) {
    final_id[flows_[i].id] = uint32_t(i + 1);
    flows_[i].id = uint32_t(i + 1);
  }
  for (Flow &flow : flows_) flow.tunnel = final_id[flow.tunnel];
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
