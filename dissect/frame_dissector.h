// frame_dissector.h — dissects the records of one capture into FrameRecords.
//
// Owns the process's single epan session for the life of one capture read, the way tshark's
// single pass does: full visible tree, TCP reassembly on, columns filled. The caller holds
// dissection_mutex() for the whole lifetime of a FrameDissector.
#pragma once

#include <memory>

#include "dissect/capture_reader.h"
#include "dissect/frame_record.h"

namespace xtractr {

class FrameDissector {
 public:
  explicit FrameDissector(CaptureReader &reader);
  ~FrameDissector();
  FrameDissector(const FrameDissector &) = delete;
  FrameDissector &operator=(const FrameDissector &) = delete;

  // Reads the next record and dissects it; false at the end of the capture or on a read
  // error (see CaptureReader::error()). The record's byte references (FrameRecord::sources)
  // stay valid until the next call, or until the dissector is destroyed.
  bool next(FrameRecord &out);

  struct Session;  // epan session, dissector state and per-capture bookkeeping

 private:
  void dissect(FrameRecord &out);
  std::unique_ptr<Session> session_;
};

}  // namespace xtractr
