// index_builder.cc — build_index(): one pass over a capture into a new index directory.
//
// How it works: read each record with wiretap, dissect it (FrameDissector), assign it to a
// flow (FlowClassifier), hand its summary row to the IndexWriter and its fields to the block
// encoder and the Xapian writer; every kFramesPerBlock frames the block is compressed and
// stored. Flows, the dictionary and the meta facts are written last (index_writer.h).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/interruption.h"
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

// Progress on stderr, only when a person is watching it.
class Progress {
 public:
  Progress(const std::string &capture, int64_t size) : capture_(capture), size_(size), enabled_(isatty(2)) {}
  void update(int64_t frames, int64_t offset) {
    if (!enabled_ || (frames & 1023)) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    double percent = size_ > 0 ? std::min(100.0, 100.0 * double(offset) / double(size_)) : 0;
    std::fprintf(stderr, "\rxtractr: indexing %s: %lld frames (%.0f%%)", capture_.c_str(), (long long)frames, percent);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::string capture_;
  int64_t size_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Notes the frame in the summary (count, bytes, first/last time).
void count_frame(IndexSummary &summary, const FrameRecord &frame) {
  if (summary.frames == 0) summary.first_time = frame.time();
  summary.last_time = frame.time();
  ++summary.frames;
  summary.bytes += frame.length;
}

// A read error after some frames is a warning (the index holds what was readable); before
// any frame, or a capture without frames, it is no capture we can index.
void check_read_end(IndexSummary &summary, const CaptureReader &reader) {
  if (!reader.error().empty()) {
    if (summary.frames == 0) throw CaptureOpenError(reader.error());
    summary.warnings.push_back("read stopped after frame " + std::to_string(summary.frames) + ": " + reader.error() +
                               "; the index holds the frames before it");
  }
  if (summary.frames == 0) throw CaptureOpenError("the capture holds no packets");
}

}  // namespace

IndexSummary build_index(const std::string &capture, const std::string &directory) {
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
  Progress progress(capture, stamp.size);

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
      // Ctrl-C in the shell: the caller removes our directory
      check_interrupted("indexing '" + capture + "' was interrupted; nothing was kept");
    }
    count_frame(summary, frame);
    progress.update(summary.frames, reader.offset());
  }
  check_read_end(summary, reader);
  if (encoder.frames() > 0) out.add_block(encoder.take());
  search.finish();
  out.finish_flows(flows);

  summary.flows = int64_t(flows.flows().size());
  summary.link_types.assign(link_types.begin(), link_types.end());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.finish(encoder.dictionary(), current_meta(stamp, summary));
  summary.directory = directory;
  return summary;
}

}  // namespace xtractr
