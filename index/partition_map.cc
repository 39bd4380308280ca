// partition_map.cc — see partition_map.h.
#include "index/partition_map.h"

#include <fstream>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "dissect/capture_reader.h"
#include "dissect/wireshark_runtime.h"

namespace xtractr {

namespace {

std::string address_bytes(const PartitionKey &key, bool second) {
  return std::string(reinterpret_cast<const char *>(second ? key.b : key.a), key.address_length);
}

// Union-find over key hashes, remembering each member pair's addresses (signalling decides
// a group's partition only once the whole capture has been read).
class Groups {
 public:
  void unite(const PartitionKey &a, const PartitionKey &b) {
    uint64_t ra = find(note(a)), rb = find(note(b));
    if (ra != rb) parent_[ra] = rb;
  }

  // Each member's group: the smallest member hash, or 0 when a member has a signalling host.
  std::unordered_map<uint64_t, uint64_t> resolve(const std::unordered_set<std::string> &hosts) {
    std::unordered_map<uint64_t, uint64_t> smallest;
    std::unordered_set<uint64_t> to_partition_0;
    for (auto &[hash, addresses] : members_) {
      const uint64_t root = find(hash);
      auto [it, added] = smallest.emplace(root, hash);
      if (!added && hash < it->second) it->second = hash;
      if (hosts.count(addresses.first) || hosts.count(addresses.second)) to_partition_0.insert(root);
    }
    std::unordered_map<uint64_t, uint64_t> group;
    for (auto &member : members_) {
      const uint64_t root = find(member.first);
      group.emplace(member.first, to_partition_0.count(root) ? 0 : smallest[root]);
    }
    return group;
  }

 private:
  uint64_t note(const PartitionKey &key) {
    if (members_.emplace(key.hash, std::pair(address_bytes(key, false), address_bytes(key, true))).second)
      parent_.emplace(key.hash, key.hash);
    return key.hash;
  }
  uint64_t find(uint64_t x) {  // iterative, with path halving: no recursion on long chains
    for (uint64_t p = parent_[x]; p != x; p = parent_[x]) {
      parent_[x] = parent_[p];
      x = parent_[x];
    }
    return x;
  }
  std::unordered_map<uint64_t, uint64_t> parent_;
  std::unordered_map<uint64_t, std::pair<std::string, std::string>> members_;
};

void add_signalling_hosts(const PartitionKey &key, std::unordered_set<std::string> &hosts) {
  if (!key.address_length || !is_signalling(key)) return;
  hosts.insert(address_bytes(key, false));
  hosts.insert(address_bytes(key, true));
}

std::string hex(const std::string &bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (unsigned char c : bytes) text += {digits[c >> 4], digits[c & 15]};
  return text;
}

}  // namespace

PartitionMap PartitionMap::scan(const std::string &capture) {
  PartitionMap map;
  Groups groups;
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  CaptureReader reader(capture);
  while (reader.next()) {
    const wtap_rec &rec = reader.record();
    if (rec.rec_type != REC_TYPE_PACKET) continue;  // the workers say why they cannot partition it
    const int encap = rec.rec_header.packet_header.pkt_encap;
    const uint32_t caplen = rec.rec_header.packet_header.caplen;
    const PartitionKey key = partition_key(encap, reader.data(), caplen);
    if (!key.known) continue;
    add_signalling_hosts(key, map.signalling_hosts_);
    const PartitionLinks links = partition_links(encap, reader.data(), caplen);
    for (int i = 0; i < links.count; ++i) {
      add_signalling_hosts(links.key[i], map.signalling_hosts_);  // SIP inside a tunnel too
      groups.unite(key, links.key[i]);
    }
  }
  map.group_ = groups.resolve(map.signalling_hosts_);
  return map;
}

// One line per signalling host ("h" and its address in hex) and per linked key ("g", its hash
// and its group's, in hex).
void PartitionMap::write(const std::string &path) const {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  for (const std::string &host : signalling_hosts_) out << "h " << hex(host) << '\n';
  out << std::hex;
  for (auto [key, group] : group_) out << "g " << key << ' ' << group << '\n';
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path);
}

PartitionMap PartitionMap::read(const std::string &path) {
  PartitionMap map;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > 2 && line[0] == 'h') {
      std::string host;
      for (size_t i = 2; i + 1 < line.size(); i += 2) host.push_back(char(std::stoi(line.substr(i, 2), nullptr, 16)));
      map.signalling_hosts_.insert(host);
    } else if (line.size() > 2 && line[0] == 'g') {
      size_t space = line.find(' ', 2);
      if (space == std::string::npos) throw std::runtime_error("damaged partition map " + path);
      map.group_[std::stoull(line.substr(2, space - 2), nullptr, 16)] =
          std::stoull(line.substr(space + 1), nullptr, 16);
    }
  }
  return map;
}

bool PartitionMap::signalling(const PartitionKey &key) const {
  return key.address_length &&
         (signalling_hosts_.count(address_bytes(key, false)) || signalling_hosts_.count(address_bytes(key, true)));
}

int PartitionMap::partition_of(const PartitionKey &key, int partitions) const {
  if (signalling(key)) return 0;
  auto it = group_.find(key.hash);
  return int((it == group_.end() ? key.hash : it->second) % uint64_t(partitions));
}

}  // namespace xtractr
