// frame_dissector.h — dissects the records of one capture into FrameRecords.
//
// Owns the process's single epan session for the life of one capture read, the way tshark's
// single pass does: full visible tree, TCP reassembly on, columns filled. The caller holds
// dissection_mutex() for the whole lifetime of a FrameDissector.
#pragma once

#include <functional>
#include <memory>

#include "dissect/capture_reader.h"
#include "dissect/frame_record.h"

namespace xtractr {

class FrameDissector {
 public:
  // Says whether to dissect a record (partitioned indexing: the frames of one partition).
  // Skipped records still count: frames keep their numbers in the capture, and the time
  // fields of the next dissected frame refer to the record just before it. It may throw.
  using Selector = std::function<bool(const wtap_rec &record, const uint8_t *data)>;

  explicit FrameDissector(CaptureReader &reader, Selector selector = nullptr);
  ~FrameDissector();
  FrameDissector(const FrameDissector &) = delete;
  FrameDissector &operator=(const FrameDissector &) = delete;

  // Reads the next (selected) record and dissects it; false at the end of the capture or on
  // a read error (see CaptureReader::error()). The record's byte references (FrameRecord::sources)
  // stay valid until the next call, or until the dissector is destroyed.
  bool next(FrameRecord &out);

  // Dissects the record at `offset` as frame `number` instead (a partition's frames, listed by
  // the partition pre-pass, read with random access): the records between the last frame
  // dissected and this one are another process's, `previous` the time stamp of the one just
  // before it and `first` frame 1's. False on a read error (CaptureReader::error()).
  bool dissect_at(FrameRecord &out, uint32_t number, int64_t offset, const nstime_t &previous, const nstime_t &first);

  struct Session;  // epan session, dissector state and per-capture bookkeeping

 private:
  void dissect(FrameRecord &out);
  void skip();
  std::unique_ptr<Session> session_;
};

}  // namespace xtractr
