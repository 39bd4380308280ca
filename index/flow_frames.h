// flow_frames.h — the frames of each flow, one delta-coded list per flow, instead of an SQLite
// index over packets.flow (a twentieth of the index's size on the benchmark capture).
//
// Usage (C++; what `WHERE flow = N` on packets(), the stream and search code read):
//   write_flow_frames(db);                 // IndexWriter::finish(), once packets.flow is final
//   FlowFrames frames(index.db());
//   for (int64_t id : frames.of(42)) ...   // ascending frame ids; none for an unknown flow
//
// From SQL:
//   SELECT id, time, length FROM packets('day1.pcapng') WHERE flow = 42;
//
// How it works: table flow_frames(flow INTEGER PRIMARY KEY, frames BLOB) holds, per flow, the
// ids of the frames whose packets.flow it is, as varints of the gaps between them (varint.h):
// ~1.2 bytes a frame where the index took ~11. It is written in one pass over packets at the
// end of a build. Frames carried in a tunnel flow are found through packets.tunnel, as before.
#pragma once

#include <cstdint>
#include <vector>

#include "core/sqlite_handles.h"

namespace xtractr {

// Creates and fills flow_frames from the packets table.
void write_flow_frames(Database &db);

class FlowFrames {
 public:
  explicit FlowFrames(sqlite3 *db);
  // The flow's frame ids in ascending order; throws on a damaged list.
  std::vector<int64_t> of(int64_t flow);

 private:
  Statement select_;
};

}  // namespace xtractr
