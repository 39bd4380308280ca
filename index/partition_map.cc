// partition_map.cc — see partition_map.h.
#include "index/partition_map.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "dissect/capture_reader.h"
#include "dissect/wireshark_runtime.h"

namespace xtractr {

namespace {

std::string address_bytes(const PartitionKey &key, bool second) {
  return std::string(reinterpret_cast<const char *>(second ? key.b : key.a), key.address_length);
}

// Union-find over key hashes, with each key's cost (its frames and bytes) and its pair's
// addresses (signalling decides a group's partition only once the whole capture is read).
class Groups {
 public:
  void count(const PartitionKey &key, uint32_t bytes) { cost_[note(key)] += 1 + bytes / kBytesPerFrameCost; }
  void unite(const PartitionKey &a, const PartitionKey &b) {
    uint64_t ra = find(note(a)), rb = find(note(b));
    if (ra != rb) parent_[ra] = rb;
  }

  // Each key's partition: the groups, largest first, each into the least loaded partition
  // (partition 0 holds the signalling hosts' groups first), so the workers finish together.
  // `largest_share`: the costliest partition's share of the total (1 when nothing costs).
  std::unordered_map<uint64_t, uint32_t> assign(const std::unordered_set<std::string> &hosts, int partitions,
                                                double &largest_share) {
    struct Group {
      uint64_t cost = 0, smallest = ~0ull;
      bool signalling = false;
    };
    std::unordered_map<uint64_t, Group> groups;  // by root
    for (auto &[hash, addresses] : members_) {
      Group &g = groups[find(hash)];
      g.cost += cost_[hash];
      g.smallest = std::min(g.smallest, hash);
      g.signalling |= hosts.count(addresses.first) || hosts.count(addresses.second);
    }
    std::vector<uint64_t> load(size_t(partitions), 0);
    struct Pending {
      uint64_t cost, smallest, root;  // the smallest member hash: a stable tie-break
    };
    std::vector<Pending> order;
    std::unordered_map<uint64_t, uint32_t> partition_of_root;
    for (auto &[root, g] : groups) {
      if (g.signalling) {
        load[0] += g.cost;
        partition_of_root[root] = 0;
      } else {
        order.push_back(Pending{g.cost, g.smallest, root});
      }
    }
    std::sort(order.begin(), order.end(), [](const Pending &a, const Pending &b) {
      return a.cost != b.cost ? a.cost > b.cost : a.smallest < b.smallest;
    });
    for (const Pending &g : order) {
      const size_t least = size_t(std::min_element(load.begin(), load.end()) - load.begin());
      load[least] += g.cost;
      partition_of_root[g.root] = uint32_t(least);
    }
    std::unordered_map<uint64_t, uint32_t> partition;
    for (auto &member : members_) partition.emplace(member.first, partition_of_root[find(member.first)]);
    const uint64_t total = std::accumulate(load.begin(), load.end(), uint64_t(0));
    largest_share = total ? double(*std::max_element(load.begin(), load.end())) / double(total) : 1;
    return partition;
  }

 private:
  static constexpr uint32_t kBytesPerFrameCost = 1024;  // a frame costs about as much to dissect as 1 KB
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
  std::unordered_map<uint64_t, uint64_t> parent_, cost_;
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

namespace {

// Writes PartitionRecords' file (buffered; checked when closed).
class RecordWriter {
 public:
  explicit RecordWriter(const std::string &path) : path_(path), file_(std::fopen(path.c_str(), "wbe")) {
    if (!file_) throw std::runtime_error("cannot write " + path);
  }
  ~RecordWriter() {
    if (file_) std::fclose(file_);
  }
  void add(const ListedRecord &r) {
    if (std::fwrite(&r, sizeof r, 1, file_) != 1) failed_ = true;
  }
  void finish(const std::string &read_error) {
    ListedRecord end{int64_t(read_error.size()), 0, 0, 0, 0, ListedRecord::kEnd, 0};
    add(end);
    if (!read_error.empty() && std::fwrite(read_error.data(), read_error.size(), 1, file_) != 1) failed_ = true;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (failed_ || !closed) throw std::runtime_error("cannot write " + path_);
  }

 private:
  std::string path_;
  std::FILE *file_;
  bool failed_ = false;
};

// Records a worker can read by offset alone: an uncompressed pcap (pcapng describes its
// interfaces in blocks read in order, compressed files seek slowly).
bool readable_by_offset(const CaptureReader &reader) {
  const std::string format = reader.format();
  return reader.compression().empty() && (format == "pcap" || format == "nsecpcap");
}

}  // namespace

PartitionMap PartitionMap::scan(const std::string &capture, int partitions, const std::string &records) {
  PartitionMap map;
  Groups groups;
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  CaptureReader reader(capture);
  std::unique_ptr<RecordWriter> list;
  if (!records.empty() && readable_by_offset(reader)) list = std::make_unique<RecordWriter>(records);
  while (reader.next()) {
    const wtap_rec &rec = reader.record();
    ListedRecord listed{
        reader.offset(), int64_t(rec.ts.secs), int32_t(rec.ts.nsecs), -1, 0, ListedRecord::kNotAPacket, 0};
    if (rec.rec_type != REC_TYPE_PACKET) {  // the workers say why they cannot partition it
      if (list) list->add(listed);
      continue;
    }
    const int encap = rec.rec_header.packet_header.pkt_encap;
    const uint32_t caplen = rec.rec_header.packet_header.caplen;
    const PartitionKey key = partition_key(encap, reader.data(), caplen);
    listed.encap = encap;
    listed.kind = key.known ? ListedRecord::kPacket : ListedRecord::kUnknownKey;
    listed.hash = key.hash;
    if (list) list->add(listed);
    if (!key.known) continue;
    groups.count(key, caplen);
    add_signalling_hosts(key, map.signalling_hosts_);
    const PartitionLinks links = partition_links(encap, reader.data(), caplen);
    for (int i = 0; i < links.count; ++i) {
      add_signalling_hosts(links.key[i], map.signalling_hosts_);  // SIP inside a tunnel too
      groups.unite(key, links.key[i]);
    }
  }
  map.partition_ = groups.assign(map.signalling_hosts_, partitions, map.largest_share_);
  if (list) list->finish(reader.error());
  return map;
}

// One line per signalling host ("h" and its address in hex) and per key ("p", its hash in hex
// and its partition).
void PartitionMap::write(const std::string &path) const {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  for (const std::string &host : signalling_hosts_) out << "h " << hex(host) << '\n';
  for (auto [key, partition] : partition_) out << "p " << std::hex << key << ' ' << std::dec << partition << '\n';
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
    } else if (line.size() > 2 && line[0] == 'p') {
      size_t space = line.find(' ', 2);
      if (space == std::string::npos) throw std::runtime_error("damaged partition map " + path);
      map.partition_[std::stoull(line.substr(2, space - 2), nullptr, 16)] =
          uint32_t(std::stoul(line.substr(space + 1)));
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
  return partition_of_hash(key.hash, partitions);
}

// A key the pre-pass saw is listed; one with a signalling host is in a signalling group, so
// listed in partition 0.
int PartitionMap::partition_of_hash(uint64_t hash, int partitions) const {
  auto it = partition_.find(hash);
  if (it != partition_.end() && int(it->second) < partitions) return int(it->second);
  return int(hash % uint64_t(partitions));
}

PartitionRecords::PartitionRecords(const std::string &path) : file_(std::fopen(path.c_str(), "rbe")), path_(path) {
  if (!file_) throw std::runtime_error("cannot read " + path);
}

PartitionRecords::~PartitionRecords() { std::fclose(file_); }

bool PartitionRecords::next(ListedRecord &record) {
  if (std::fread(&record, sizeof record, 1, file_) != 1) throw std::runtime_error("damaged record list " + path_);
  if (record.kind != ListedRecord::kEnd) return true;
  if (record.offset < 0 || record.offset > (1 << 20)) throw std::runtime_error("damaged record list " + path_);
  read_error_.resize(size_t(record.offset));
  if (record.offset && std::fread(read_error_.data(), read_error_.size(), 1, file_) != 1)
    throw std::runtime_error("damaged record list " + path_);
  return false;
}

}  // namespace xtractr
