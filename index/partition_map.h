// partition_map.h — which partition each frame of a capture goes to in a partitioned build:
// decided once by a pre-pass over the capture's records (wiretap only, nothing dissected) and
// shared with the workers as a small file.
//
// Usage (C++, index/partitioned_build.cc):
//   PartitionMap map = PartitionMap::scan(capture);        // the coordinator's pre-pass
//   map.write(directory + "/partition-map");
//   PartitionMap mine = PartitionMap::read(path);          // each worker
//   if (mine.partition_of(partition_key(encap, data, caplen), partitions) == partition) ...
//
// From SQL nothing changes; a capture whose tunnels or QUIC connections link address pairs
// is indexed in partitions now rather than in one pass:
//   SELECT xtractr_index('/cases/vxlan.pcap') ->> '$.files[0].partitions';
//
// How it works: a frame's partition is its key's hash (dissect/partition_key.h: the unordered
// address pair) modulo the partition count, with two exceptions the pre-pass finds:
// - Signalling hosts (is_signalling(): SIP, MGCP, H.323, GTP, SCTP ...): every frame to or
//   from such a host goes to partition 0, so signalling, its SDP and the media it announces
//   between those hosts are dissected by one process.
// - Linked groups: a tunnel's frames carry packets of other pairs (partition_links()), and
//   libwireshark follows a carried conversation, or a QUIC connection by its IDs, whichever
//   outer pair it travels in. The pre-pass unites each frame's key with its links (union-find)
//   and gives every key of a group the group's smallest hash — or partition 0 when a member
//   pair has a signalling host — so a conversation that moves between tunnels, or whose
//   packets also travel outside the tunnel, stays in one partition.
// What the pre-pass cannot see (a tunnel or QUIC version it does not parse, SDP or FTP naming
// hosts) the merge still detects, and the capture is indexed in one pass instead.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "dissect/partition_key.h"

namespace xtractr {

class PartitionMap {
 public:
  // The pre-pass over `capture`'s records. Throws CaptureOpenError, std::runtime_error.
  static PartitionMap scan(const std::string &capture);
  void write(const std::string &path) const;  // throws std::runtime_error
  static PartitionMap read(const std::string &path);

  // The partition of a frame with this key, among `partitions`.
  int partition_of(const PartitionKey &key, int partitions) const;
  size_t linked_keys() const { return group_.size(); }

 private:
  bool signalling(const PartitionKey &key) const;
  std::unordered_set<std::string> signalling_hosts_;  // addresses' bytes
  std::unordered_map<uint64_t, uint64_t> group_;      // a linked key's hash → its group's hash (0: partition 0)
};

}  // namespace xtractr
