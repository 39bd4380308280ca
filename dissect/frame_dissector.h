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

  // Dissects the reader's current record as the next frame.
  void dissect(FrameRecord &out);

  struct Session;  // epan session, dissector state and per-capture bookkeeping

 private:
  std::unique_ptr<Session> session_;
};

}  // namespace xtractr
