// frame_stream.h — dissected frames (FrameRecords) passed from an indexing worker process to
// the process that writes the index, over a pipe or through a spool file.
//
// Usage (C++; partitioned_build.h is the one user):
//   FrameStreamWriter out(fd);                 // in the worker
//   out.frame(record); ...; out.end(read_error);      // or out.fallback("sip: ...")
//   FrameStreamReader in(fd);                  // in the writer of the index
//   while (in.next(record) == FrameStreamReader::Frame) ...
//
// From SQL it is invisible: SELECT xtractr_index('/cases/big.pcapng') builds with workers.
//
// How it works: a stream starts with a magic. Then items, each a one-byte kind:
//   'N' a field's facts: the worker's hf id, type, name, value kind and protocol — sent before
//       the first frame that uses it. Two processes of one program can number fields
//       differently (see FieldIdentity), so the reader maps the worker's ids to its own by name
//       and type; a merging process without libwireshark learns the fields from these
//       (dissect/field_registry.h, AnnouncedFields);
//   'F' a frame: its size, its summary numbers and strings, fragment frames, tunnels, the
//       fields (a tag byte and varints each, see put_fields()), and each data source's
//       length, flags, pieces and — when some field refers to it — its bytes;
//   'W' a watermark: the worker has read the capture up to that frame number and none of the
//       frames since its last one are its own (sent, flushed, after many skipped records, so
//       the merge need not wait for a partition with no frames for a long stretch);
//   'E' the end of the partition: the read error that ended the capture ("" at its end);
//   'X' the worker cannot index its partition apart from the rest (the message says why):
//       the capture must be indexed in one pass.
// Lengths are host-order 32-bit, numbers host-order: both ends run on one machine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dissect/frame_record.h"

namespace xtractr {

class FrameStreamWriter {
 public:
  explicit FrameStreamWriter(int fd);  // writes the header; the caller owns fd
  ~FrameStreamWriter();
  FrameStreamWriter(const FrameStreamWriter &) = delete;
  FrameStreamWriter &operator=(const FrameStreamWriter &) = delete;

  void frame(const FrameRecord &record);
  void watermark(uint32_t frame);           // then flushes
  void end(const std::string &read_error);  // then flushes
  void fallback(const std::string &why);    // then flushes

 private:
  void flush();
  void announce_fields(const FrameRecord &record);
  int fd_;
  std::string buffer_;
  std::vector<bool> announced_;  // by the worker's hf id
};

class FrameStreamReader {
 public:
  enum Item { Frame, Watermark, End, Fallback };
  // The caller owns fd. Readers of one merge may share `ids`, the table from a worker's field
  // ids to this process's (workers of one program number almost every field alike, and the
  // table has an entry for each id the worker's libwireshark has, ~250 k: one per open
  // partition cost the merge ~1 MB each); a reader whose worker numbers a field differently
  // goes on with a copy of its own. Readers sharing a table are used from one thread.
  explicit FrameStreamReader(int fd, std::shared_ptr<std::vector<int>> ids = nullptr);
  FrameStreamReader(const FrameStreamReader &) = delete;
  FrameStreamReader &operator=(const FrameStreamReader &) = delete;

  // The next item. Frame: `record` holds it, its sources' bytes valid until the next call.
  // Watermark: watermark() is the frame read up to. End/Fallback: message() says the read
  // error or why. Throws std::runtime_error when the
  // stream breaks off (the worker died: its exit status tells more).
  Item next(FrameRecord &record);
  const std::string &message() const { return message_; }
  uint32_t watermark() const { return watermark_; }

 private:
  void read_exactly(void *to, size_t n);
  template <typename T>
  T get();
  void get_string(std::string &to);
  void read_field_identity();
  void read_header();
  bool header_read_ = false;
  int fd_;
  std::shared_ptr<std::vector<int>> local_id_;  // the worker's hf id → this process's, -1 unknown
  std::vector<bool> announced_;                 // by the worker's hf id: this stream announced it
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;
  std::vector<std::string> source_bytes_;
  std::string frame_;  // the current frame's bytes
  std::string message_;
  uint32_t watermark_ = 0;
};

}  // namespace xtractr
