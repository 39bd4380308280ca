// index_builder.cc — build_index(): one pass over a capture into a new index directory.
//
// It runs in an indexing process (xtractr-indexer, see build_process.h), never in the host:
// libwireshark's memory grows with every frame until the process ends, and a dissector crash
// must not take the host down.
//
// How it works: read each record with wiretap, dissect it (FrameDissector), assign it to a
// flow (FlowClassifier), hand its summary row to the IndexWriter and its fields to the block
// encoder and the Xapian writer; every kFramesPerBlock frames the block is compressed and
// stored. Flows, the dictionary and the meta facts are written last (index_writer.h).
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/sql_error.h"
#include "dissect/capture_reader.h"
#include "dissect/flow_classifier.h"
#include "dissect/frame_dissector.h"
#include "dissect/wireshark_runtime.h"
#include "index/capture_index.h"
#include "index/index_location.h"
#include "index/index_meta.h"
#include "index/index_writer.h"
#include "index/search_index_writer.h"

namespace xtractr {

namespace {

DictionaryEntry dictionary_entry(int hf_id) { return DictionaryEntry{field_name(hf_id), field_kind(hf_id)}; }

// This process's peak resident memory so far, in KB.
int64_t peak_rss_kb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Notes the frame in the summary (count, bytes, first/last time).
void count_frame(IndexSummary &summary, const FrameRecord &frame) {
  if (summary.frames == 0) summary.first_time = frame.time();
  summary.last_time = frame.time();
  ++summary.frames;
  summary.bytes += frame.length;
}

// A read error after some frames is a warning (the index holds what was readable); before
// any frame it is no capture we can index. A capture that ends cleanly after its header is
// an empty index, as tshark reads it as 0 frames (a 0-byte file never opens: capture_reader).
void check_read_end(IndexSummary &summary, const CaptureReader &reader) {
  if (!reader.error().empty()) {
    if (summary.frames == 0) throw CaptureOpenError(reader.error());
    summary.warnings.push_back("read stopped after frame " + std::to_string(summary.frames) + ": " + reader.error() +
                               "; the index holds the frames before it");
  }
  if (summary.frames == 0) summary.warnings.push_back("the capture holds no packets");
}

}  // namespace

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
  IndexWriter out(directory + "/index.db");
  FrameDissector dissector(reader);
  FlowClassifier flows;
  BlockEncoder encoder(dictionary_entry);
  SearchIndexWriter search(directory + "/search");  // Xapian, same pass (index/search_terms.h)
  FrameRecord frame;
  std::set<std::string> link_types;

  while (dissector.next(frame)) {
    const wtap_rec &rec = reader.record();
    if (rec.rec_type == REC_TYPE_PACKET) link_types.insert(encapsulation_name(rec.rec_header.packet_header.pkt_encap));
    FlowClassifier::Assignment where = flows.add(frame);
    out.move_packets(flows.take_moves());
    out.add_packet(frame, where);
    encoder.add(frame);
    search.add(frame);
    if (encoder.frames() == kFramesPerBlock) {
      out.add_block(encoder.take());
    }
    count_frame(summary, frame);
    if (observer) observer->frame(frame.number, reader.offset());
  }
  check_read_end(summary, reader);
  if (encoder.frames() > 0) out.add_block(encoder.take());
  search.finish();
  out.finish_flows(flows);

  summary.flows = int64_t(flows.flows().size());
  summary.link_types.assign(link_types.begin(), link_types.end());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary.peak_rss_kb = peak_rss_kb();
  out.finish(encoder.dictionary(), current_meta(stamp, summary));
  summary.directory = directory;
  return summary;
}

}  // namespace xtractr
