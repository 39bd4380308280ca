// index_pipeline.cc — see index_pipeline.h.
#include "index/index_pipeline.h"

#include <sys/resource.h>

#include "dissect/capture_reader.h"
#include "dissect/wireshark_runtime.h"
#include "index/payload_grams.h"

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

// The writers of the index, fed in capture order on the writers' thread.
struct IndexPipeline::Writers {
  IndexWriter out;
  FlowClassifier flows;
  BlockEncoder encoder;
  SearchIndexWriter search;
  std::unique_ptr<PayloadGramWriter> payload;  // the optional payload index (payload_grams.h)
  std::set<std::string> link_types;
  int64_t bytes = 0;
  double first_time = 0, last_time = 0;
  bool first = true, time_sorted = true;
  double latest = 0;  // the latest time of the frames so far
  std::vector<int64_t> time_exceptions;

  explicit Writers(const std::string &directory)
      : out(directory + "/index.db"), encoder(dictionary_entry), search(directory + "/search") {
    if (payload_index_requested()) payload = std::make_unique<PayloadGramWriter>();
  }

  void add(const FrameRecord &frame) {
    if (frame.encap >= 0) link_types.insert(encapsulation_name(frame.encap));
    FlowClassifier::Assignment where = flows.add(frame);
    out.move_packets(flows.take_moves());
    out.add_packet(frame, where);
    encoder.add(frame);
    search.add(frame);
    if (payload) payload->add(frame, where.flow, where.dir);
    if (encoder.frames() == kFramesPerBlock) out.add_block(encoder.take());
    if (first) first_time = frame.time();
    if (first || frame.time() >= latest) {
      latest = frame.time();
    } else if (time_sorted) {
      time_exceptions.push_back(frame.number);
      time_sorted = time_exceptions.size() <= kMaxTimeExceptions;
    }
    first = false;
    last_time = frame.time();
    bytes += frame.length;
  }
};

namespace {
// Frames handed over at once. Each batch's records are reused with their buffers, so the
// records in flight, (kQueuedBatches + 2) x kBatchFrames, are what the queue holds: 256 frames
// a batch held ~35 MB of records in the merging process of a partitioned build; 64 hold a
// quarter of it, and a hand-over every 64 frames (~200 a second a core) costs nothing measurable.
constexpr size_t kBatchFrames = 64;
constexpr size_t kQueuedBatches = 4;  // in flight: bounds the memory the queue holds
}  // namespace

IndexPipeline::IndexPipeline(const std::string &directory)
    : directory_(directory), writers_(std::make_unique<Writers>(directory)), keep_frame_bytes_(writers_->payload) {
  thread_ = std::thread([this] { write_batches(); });
}

IndexPipeline::~IndexPipeline() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = abandoned_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void IndexPipeline::write_batches() {
  try {
    while (true) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (abandoned_ || queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      changed_.notify_all();
      for (size_t i = 0; i < batch.used; ++i) {
        writers_->add(batch.frames[i]);
        batch.frames[i].clear();
      }
      batch.used = 0;
      std::lock_guard<std::mutex> lock(mutex_);
      empty_.push_back(std::move(batch));
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    failure_ = std::current_exception();
    queue_.clear();
  }
  changed_.notify_all();
}

void IndexPipeline::hand_over() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < kQueuedBatches || failure_; });
  if (failure_) std::rethrow_exception(failure_);
  queue_.push_back(std::move(batch_));
  batch_ = Batch();
  if (!empty_.empty()) {
    batch_ = std::move(empty_.front());
    empty_.pop_front();
  }
  lock.unlock();
  changed_.notify_all();
}

void IndexPipeline::add(FrameRecord &frame) {
  if (keep_frame_bytes_) keep_frame_bytes(frame);  // the payload index reads them (one-pass builds)
  frame.detach();
  if (batch_.used == batch_.frames.size()) batch_.frames.emplace_back();
  std::swap(batch_.frames[batch_.used++], frame);
  ++frames_;
  if (batch_.used == kBatchFrames) hand_over();
}

void IndexPipeline::finish(IndexSummary &summary, const CaptureStamp &stamp, double seconds) {
  if (batch_.used) hand_over();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  changed_.notify_all();
  thread_.join();
  if (failure_) std::rethrow_exception(failure_);
  Writers &w = *writers_;
  if (w.encoder.frames() > 0) w.out.add_block(w.encoder.take());
  w.search.finish();
  w.out.finish_flows(w.flows);
  summary.frames = frames_;
  summary.bytes = w.bytes;
  summary.first_time = w.first_time;
  summary.last_time = w.last_time;
  summary.time_sorted = w.time_sorted;
  if (w.time_sorted) summary.time_exceptions = std::move(w.time_exceptions);
  summary.flows = int64_t(w.flows.flows().size());
  summary.link_types.assign(w.link_types.begin(), w.link_types.end());
  summary.seconds = seconds;
  summary.peak_rss_kb = std::max(summary.peak_rss_kb, peak_rss_kb());
  w.out.finish(w.encoder.dictionary(), current_meta(stamp, summary));
  // The payload index (payload_grams.h) is one more table of the complete index.db, written
  // through a connection of its own once the writer has let go of its exclusive lock.
  std::unique_ptr<PayloadGramWriter> payload = std::move(w.payload);
  writers_.reset();
  if (payload) payload->write(directory_ + "/index.db");
}

}  // namespace xtractr
