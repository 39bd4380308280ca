// extract_source.h — what the extraction functions need from the index: where a packet or a
// flow of a capture argument lives, the file offsets of its frames, and readers for them.
//
// Usage (C++):
//   ExtractSource source(argument);                      // indexes the capture if needed
//   auto where = source.locate_flow(42);                 // member + the file's own flow id
//   std::vector<FrameRef> frames = source.flow_frames(where->member, {where->local});
//   RandomReader &reader = source.reader(where->member); // caller holds dissection_mutex()
//
// How it works: a capture argument is a collection (capture_collection.h) whose packet and
// flow ids continue from file to file; ids are mapped back to (file, local id) with the
// members' bases, and frames are listed from the file's index database (packets.offset,
// flows' frame lists, index/flow_frames.h), never by reading the capture.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dissect/extract/random_reader.h"
#include "dissect/extract/stream_follower.h"
#include "index/capture_collection.h"

namespace xtractr {

struct LocalId {
  size_t member;  // index into collection().members
  int64_t local;  // the file's own frame number / flow id
};

// One packet row of a file's index.
struct IndexedPacket {
  uint32_t number;
  int64_t offset;
  int64_t flow;  // local flow id
  int dir;       // 0 client→server, 1 server→client
  double time;
};

class ExtractSource {
 public:
  explicit ExtractSource(const std::string &argument);

  const CaptureCollection &collection() const { return collection_; }
  const CollectionMember &member(size_t m) const { return collection_.members[m]; }

  std::optional<LocalId> locate_packet(int64_t id) const;
  std::optional<LocalId> locate_flow(int64_t flow) const;

  std::optional<IndexedPacket> packet(size_t m, int64_t local) const;
  // Every frame of the given local flows, in frame order (optionally only up to `last`); a
  // tunnel's are the frames it carries (`dir` is that of the frame's own flow).
  std::vector<IndexedPacket> flow_packets(size_t m, const std::vector<int64_t> &flows, int64_t last = -1) const;
  // Frames 1 … last of member m, in frame order.
  std::vector<IndexedPacket> packets_up_to(size_t m, int64_t last) const;
  std::vector<FrameRef> flow_frames(size_t m, const std::vector<int64_t> &flows, int64_t last = -1) const;
  // The flow's frames plus the frames that carry its TCP/UDP stream in an outer layer (a
  // tunnel's own UDP stream also runs through the frames of the flows inside it, which the
  // index files under the inner flows). The latter come from the search index on `db`
  // ("udp.stream:N"); without it, the flow's frames alone. In frame order, up to `last`.
  std::vector<IndexedPacket> stream_packets(sqlite3 *db, size_t m, int64_t flow, int64_t last = -1) const;
  // Member m's frames that match an xtractr query on `db` (up to `last`); empty without search.
  std::vector<IndexedPacket> search_packets(sqlite3 *db, size_t m, const std::string &query, int64_t last = -1) const;
  // Local flow ids of a file whose frames' service is one of `services`.
  std::vector<int64_t> flows_with_services(size_t m, const std::vector<std::string> &services) const;
  // Local flow ids of a file with one of `ports` as source or destination port.
  std::vector<int64_t> flows_with_ports(size_t m, const std::vector<int> &ports) const;
  // The flow's transport: 6 TCP, 17 UDP, else the protocol number or -1.
  int flow_proto(size_t m, int64_t local_flow) const;

  // A random-access reader of member m's file, opened on first use. Use under dissection_mutex().
  RandomReader &reader(size_t m);

 private:
  std::string argument_;
  CaptureCollection collection_;
  std::map<size_t, std::unique_ptr<RandomReader>> readers_;
};

// The text of an SQL argument, or nullopt when NULL.
std::optional<std::string> text_argument(sqlite3_value *value);

}  // namespace xtractr
