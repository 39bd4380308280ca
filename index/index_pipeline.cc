// index_pipeline.cc — see index_pipeline.h.
#include "index/index_pipeline.h"

#include <sys/resource.h>

#include "dissect/capture_reader.h"
#include "dissect/wireshark_runtime.h"

namespace xtractr {

namespace {

DictionaryEntry dictionary_entry(int hf_id) { return DictionaryEntry{field_name(hf_id), field_kind(hf_id)}; }

}  // namespace

int64_t peak_rss_kb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void check_read_end(IndexSummary &summary, const std::string &read_error) {
  if (!read_error.empty()) {
    if (summary.frames == 0) throw CaptureOpenError(read_error);
    summary.warnings.push_back("read stopped after frame " + std::to_string(summary.frames) + ": " + read_error +
                               "; the index holds the frames before it");
  }
  if (summary.frames == 0) summary.warnings.push_back("the capture holds no packets");
}

IndexPipeline::IndexPipeline(const std::string &directory)
    : out_(directory + "/index.db"), encoder_(dictionary_entry), search_(directory + "/search") {}

void IndexPipeline::add(const FrameRecord &frame) {
  if (frame.encap >= 0) link_types_.insert(encapsulation_name(frame.encap));
  FlowClassifier::Assignment where = flows_.add(frame);
  out_.move_packets(flows_.take_moves());
  out_.add_packet(frame, where);
  encoder_.add(frame);
  search_.add(frame);
  if (encoder_.frames() == kFramesPerBlock) out_.add_block(encoder_.take());
  if (frames_ == 0) first_time_ = frame.time();
  last_time_ = frame.time();
  ++frames_;
  bytes_ += frame.length;
}

void IndexPipeline::finish(IndexSummary &summary, const CaptureStamp &stamp, double seconds) {
  if (encoder_.frames() > 0) out_.add_block(encoder_.take());
  search_.finish();
  out_.finish_flows(flows_);
  summary.frames = frames_;
  summary.bytes = bytes_;
  summary.first_time = first_time_;
  summary.last_time = last_time_;
  summary.flows = int64_t(flows_.flows().size());
  summary.link_types.assign(link_types_.begin(), link_types_.end());
  summary.seconds = seconds;
  summary.peak_rss_kb = std::max(summary.peak_rss_kb, peak_rss_kb());
  out_.finish(encoder_.dictionary(), current_meta(stamp, summary));
}

}  // namespace xtractr
