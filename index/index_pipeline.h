// index_pipeline.h — the writers of one index, fed dissected frames in capture order.
//
// Usage (C++; index_builder.cc and partitioned_build.cc):
//   IndexPipeline pipeline(directory);          // creates index.db and search/
//   while (...) pipeline.add(frame);            // frames 1, 2, 3 ... (FrameRecords)
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
#pragma once

#include <memory>
#include <set>
#include <string>

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
  IndexPipeline(const IndexPipeline &) = delete;
  IndexPipeline &operator=(const IndexPipeline &) = delete;

  // The next frame of the capture; also counts it into the summary.
  void add(const FrameRecord &frame);
  int64_t frames() const { return frames_; }
  // Writes the rest and commits. `summary` gets the frame, byte, flow counts, times, link
  // types and peak memory; the caller set the rest (capture, format, warnings, workers ...).
  void finish(IndexSummary &summary, const CaptureStamp &stamp, double seconds);

 private:
  IndexWriter out_;
  FlowClassifier flows_;
  BlockEncoder encoder_;
  SearchIndexWriter search_;
  std::set<std::string> link_types_;
  int64_t frames_ = 0, bytes_ = 0;
  double first_time_ = 0, last_time_ = 0;
};

// This process's peak resident memory so far, in KB.
int64_t peak_rss_kb();

// How the capture's read ended, after `summary.frames` frames: `read_error` after some frames is
// a warning (the index holds what was readable); before any frame it is no capture we can
// index (throws CaptureOpenError). A capture that ends cleanly after its header is an empty
// index, as tshark reads it as 0 frames (a 0-byte file never opens: capture_reader).
void check_read_end(IndexSummary &summary, const std::string &read_error);

}  // namespace xtractr
