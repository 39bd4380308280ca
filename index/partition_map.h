// partition_map.h — which partition each frame of a capture goes to in a partitioned build:
// decided once by a pre-pass over the capture's records (wiretap only, nothing dissected) and
// shared with the workers as a small file.
//
// Usage (C++, index/partitioned_build.cc):
//   PartitionMap map = PartitionMap::scan(capture, 4);     // the coordinator's pre-pass
//   map.write(directory + "/partition-map");
//   PartitionMap mine = PartitionMap::read(path);          // each worker
//   if (mine.partition_of(partition_key(encap, data, caplen), partitions) == partition) ...
//
// From SQL nothing changes; a capture whose tunnels or QUIC connections link address pairs
// is indexed in partitions now rather than in one pass:
//   SELECT xtractr_index('/cases/vxlan.pcap') ->> '$.files[0].partitions';
//
// How it works: the pre-pass reads every record's key (dissect/partition_key.h: the unordered
// address pair) and cost (one frame, plus one per KB), and groups keys:
// - Signalling hosts (is_signalling(): SIP, MGCP, H.323, GTP, SCTP ...): every frame to or
//   from such a host goes to partition 0, so signalling, its SDP and the media it announces
//   between those hosts are dissected by one process.
// - Linked keys: a tunnel's frames carry packets of other pairs (partition_links()), and
//   libwireshark follows a carried conversation, a QUIC connection by its IDs and an SMB2
//   session by its ID, whichever outer pair it travels in. The pre-pass unites each frame's
//   key with its links (union-find), so a conversation that moves between tunnels, or whose
//   packets also travel outside the tunnel, stays in one partition.
// Then the groups, largest first, each go to the least loaded partition (those with a
// signalling host to partition 0), so partitions cost about the same and their workers finish
// together; the map lists every key's partition (a key it does not list, none: hash modulo).
// For an uncompressed pcap the pre-pass also lists every record (offset, time stamp, key hash:
// PartitionRecords), so that a worker reads only its own frames.
// What the pre-pass cannot see (a tunnel or QUIC version it does not parse, SDP or FTP naming
// hosts) the merge still detects, and the capture is indexed in one pass instead.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "dissect/partition_key.h"

namespace xtractr {

class PartitionMap {
 public:
  // The pre-pass over `capture`'s records, for `partitions` partitions. Throws
  // CaptureOpenError, std::runtime_error.
  // With `records`, when workers can read the capture by offset (an uncompressed pcap), the
  // pre-pass also lists every record's offset, time stamp and key in that file
  // (PartitionRecords); a worker reads its frames that way when the file exists.
  static PartitionMap scan(const std::string &capture, int partitions, const std::string &records = "");
  void write(const std::string &path) const;  // throws std::runtime_error
  static PartitionMap read(const std::string &path);

  // The partition of a frame with this key, among `partitions`.
  int partition_of(const PartitionKey &key, int partitions) const;
  // The same for a key the pre-pass saw, by its hash alone (PartitionRecords).
  int partition_of_hash(uint64_t hash, int partitions) const;
  // scan(): the share of the capture's cost in its costliest partition (1 when no frame has a key).
  double largest_share() const { return largest_share_; }

 private:
  bool signalling(const PartitionKey &key) const;
  std::unordered_set<std::string> signalling_hosts_;  // addresses' bytes
  std::unordered_map<uint64_t, uint32_t> partition_;  // a key's hash → its partition
  double largest_share_ = 1;
};

// The pre-pass's list of records, read by each worker instead of the capture itself: a worker
// then reads only its own frames (CaptureReader::read_at). Reading the whole capture cost every
// worker ~2 s of CPU a GB, and a capture has more partitions the bigger it is; a record here
// is 40 bytes. The list ends with the read error that ended the pre-pass ("" at the end).
struct ListedRecord {
  enum Kind : int32_t { kPacket, kUnknownKey, kNotAPacket, kEnd };  // kUnknownKey: a link type without keys
  int64_t offset;                                                   // kEnd: the length of the read error that follows
  int64_t seconds;
  int32_t nanoseconds;
  int32_t encap;
  uint64_t hash;
  Kind kind;
  int32_t unused;
};
static_assert(sizeof(ListedRecord) == 40, "a listed record is 40 bytes on every build");

// Where the pre-pass lists the records beside the map it writes to `map_path`.
inline std::string listed_records_path(const std::string &map_path) { return map_path + "-records"; }

class PartitionRecords {
 public:
  explicit PartitionRecords(const std::string &path);  // throws std::runtime_error
  ~PartitionRecords();
  PartitionRecords(const PartitionRecords &) = delete;
  PartitionRecords &operator=(const PartitionRecords &) = delete;
  // The next record; false after the last (then read_error() is the pre-pass's).
  bool next(ListedRecord &record);
  const std::string &read_error() const { return read_error_; }

 private:
  std::FILE *file_;
  std::string path_, read_error_;
};

}  // namespace xtractr
