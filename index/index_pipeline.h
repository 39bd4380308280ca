// index_pipeline.h — the writers of one index, fed dissected frames in capture order.
//
// Usage (C++; index_builder.cc and partitioned_build.cc):
//   IndexPipeline pipeline(directory);          // creates index.db and search/
//   while (...) pipeline.add(frame);            // frames 1, 2, 3 ...; takes the record's contents
//   pipeline.finish(summary, stamp);            // flows, dictionary, meta; commits
//
// From SQL: what every `packets(...)`/`flows(...)` query reads.
//   SELECT count(*) FROM packets('/cases/day1.pcapng');
//
// How it works: each frame is assigned to a flow (FlowClassifier), its summary row goes to
// the IndexWriter, its fields to the block encoder and the Xapian writer; every
// kFramesPerBlock frames the block is compressed and stored. Flows, the dictionary and the
// meta facts are written last (index_writer.h). Who dissected the frames — this process in
// one pass, or worker processes whose partitions are merged back into capture order — is
// not its business: it sees one sequence of frames either way.
//
// The writers run on a thread of their own (and Xapian on others, search_index_writer.h):
// rows, blocks and terms cost as much CPU as dissecting, and libwireshark can only dissect on
// one thread. add() detaches the record (FrameRecord::detach) and swaps it into a batch;
// batches travel through a short bounded queue, and come back emptied, so the records'
// allocations are reused. The writers touch libwireshark only to read its field registry
// (names and types), which does not change while frames are dissected. A writer's failure
// (a full disk, the memory ceiling) is rethrown on the caller's thread by the next add().
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dissect/flow_classifier.h"
#include "dissect/frame_record.h"
#include "index/block_codec.h"
#include "index/index_meta.h"
#include "index/index_summary.h"
#include "index/index_writer.h"
#include "index/search_index_writer.h"

namespace xtractr {

class IndexPipeline {
 public:
  explicit IndexPipeline(const std::string &directory);
  ~IndexPipeline();
  IndexPipeline(const IndexPipeline &) = delete;
  IndexPipeline &operator=(const IndexPipeline &) = delete;

  // The next frame of the capture; also counts it into the summary. Takes the record's
  // contents: `frame` comes back as an empty record to fill with the next frame.
  void add(FrameRecord &frame);
  int64_t frames() const { return frames_; }
  // Writes the rest and commits. `summary` gets the frame, byte, flow counts, times, link
  // types and peak memory; the caller set the rest (capture, format, warnings, workers ...).
  void finish(IndexSummary &summary, const CaptureStamp &stamp, double seconds);

 private:
  struct Writers;  // owned by the writers' thread until finish()
  struct Batch {
    std::vector<FrameRecord> frames;
    size_t used = 0;
  };
  void hand_over();
  void write_batches();

  std::string directory_;
  std::unique_ptr<Writers> writers_;
  bool keep_frame_bytes_;  // for the payload index
  Batch batch_;
  int64_t frames_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> queue_, empty_;
  bool done_ = false, abandoned_ = false;
  std::exception_ptr failure_;
  std::thread thread_;
};

// This process's peak resident memory so far, in KB.
int64_t peak_rss_kb();

// How the capture's read ended, after `summary.frames` frames: `read_error` after some frames is
// a warning (the index holds what was readable); before any frame it is no capture we can
// index (throws CaptureOpenError). A capture that ends cleanly after its header is an empty
// index, as tshark reads it as 0 frames (a 0-byte file never opens: capture_reader).
void check_read_end(IndexSummary &summary, const std::string &read_error);

}  // namespace xtractr
