// index_builder.cc — build_index(): a capture into a new index directory, in one pass or in
// partitions dissected by worker processes (partitioned_build.h).
//
// It runs in an indexing process (xtractr-indexer, see build_process.h), never in the host:
// libwireshark's memory grows with every frame until the process ends, and a dissector crash
// must not take the host down.
//
// How it works: the one-pass build reads each record with wiretap, dissects it
// (FrameDissector) and hands it to the IndexPipeline (flows, rows, blocks, Xapian).
#include <chrono>

#include "core/sql_error.h"
#include "dissect/capture_reader.h"
#include "dissect/frame_dissector.h"
#include "dissect/wireshark_runtime.h"
#include "index/capture_index.h"
#include "index/index_location.h"
#include "index/index_meta.h"
#include "index/index_pipeline.h"

namespace xtractr {

IndexSummary build_index(const std::string &capture, const std::string &directory, BuildObserver *observer) {
  auto started = std::chrono::steady_clock::now();
  const CaptureStamp stamp = stamp_of(capture);

  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  CaptureReader reader(capture);  // throws CaptureOpenError before anything is written

  IndexSummary summary;
  summary.capture = capture;
  summary.format = reader.format();
  summary.compression = reader.compression();

  make_directories(directory);
  IndexPipeline pipeline(directory);
  FrameDissector dissector(reader);
  FrameRecord frame;
  while (dissector.next(frame)) {
    if (observer) observer->frame(frame.number, reader.offset());
    pipeline.add(frame);
  }
  summary.frames = pipeline.frames();
  check_read_end(summary, reader.error());
  pipeline.finish(summary, stamp, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  summary.directory = directory;
  return summary;
}

}  // namespace xtractr
