// service_name.cc — see service_name.h.
#include "dissect/service_name.h"

#include <unordered_map>
#include <vector>

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

namespace {

bool is_transport(std::string_view p) { return p == "tcp" || p == "udp" || p == "sctp" || p == "dccp"; }
bool is_network(std::string_view p) { return p == "ip" || p == "ipv6"; }
// Layers that carry bytes no dissector claimed, are parts of another layer, or only frame
// the application's messages (NetBIOS session service under SMB/SMB2).
bool is_filler(std::string_view p) {
  return p == "data" || p == "ethertype" || p == "nbss" || p.find('.') != std::string_view::npos;
}

const std::string &short_name(std::string_view abbrev) {
  static std::unordered_map<std::string, std::string> cache;
  std::string key(abbrev);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  std::string name = key;
  int id = proto_get_id_by_filter_name(key.c_str());
  if (id >= 0) {
    if (protocol_t *protocol = find_protocol_by_id(id)) name = proto_get_protocol_short_name(protocol);
  }
  return cache.emplace(key, name).first->second;
}

}  // namespace

std::vector<std::string_view> protocol_layers(std::string_view frame_protocols) {
  std::vector<std::string_view> layers;
  size_t start = 0;
  while (start <= frame_protocols.size()) {
    size_t colon = frame_protocols.find(':', start);
    if (colon == std::string_view::npos) colon = frame_protocols.size();
    if (colon > start) layers.push_back(frame_protocols.substr(start, colon - start));
    start = colon + 1;
  }
  return layers;
}

std::string service_from_protocols(std::string_view frame_protocols) {
  const std::vector<std::string_view> layers = protocol_layers(frame_protocols);
  if (layers.empty()) return "";
  auto above = [&](size_t index) -> std::string {
    for (size_t i = index + 1; i < layers.size(); ++i)
      if (!is_filler(layers[i])) return short_name(layers[i]);
    return short_name(layers[index]);
  };
  for (size_t i = layers.size(); i-- > 0;)
    if (is_transport(layers[i])) return above(i);
  for (size_t i = layers.size(); i-- > 0;)
    if (is_network(layers[i])) return above(i);
  for (size_t i = layers.size(); i-- > 0;)
    if (!is_filler(layers[i])) return short_name(layers[i]);
  return short_name(layers.back());
}

std::string tunnel_service(std::string_view frame_protocols, size_t nth, bool over_transport) {
  const std::vector<std::string_view> layers = protocol_layers(frame_protocols);
  size_t seen = 0, i = 0;
  for (; i < layers.size(); ++i)
    if (is_network(layers[i]) && seen++ == nth) break;
  if (i == layers.size()) return "";
  size_t above = i + 1;
  while (above < layers.size() && is_filler(layers[above])) ++above;  // ipv6.hopopts, ipv6.fraghdr
  if (over_transport && above < layers.size() && is_transport(layers[above])) ++above;
  while (above < layers.size() && is_filler(layers[above])) ++above;
  return above < layers.size() ? short_name(layers[above]) : short_name(layers[i]);
}

bool is_transport_service(std::string_view s) {
  return s == "TCP" || s == "UDP" || s == "SCTP" || s == "DCCP" || s == "IPv4" || s == "IPv6";
}

}  // namespace xtractr
