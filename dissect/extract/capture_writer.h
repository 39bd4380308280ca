// capture_writer.h — writes chosen records of one or more captures to a new pcap or pcapng file.
//
// Usage (C++):
//   CaptureWriter out("/cases/evil.pcapng", /*overwrite=*/false);   // throws if it exists
//   out.add(reader, offset);   // in the order they should appear
//   int64_t n = out.finish();  // the file appears only now, complete
//
// How it works: records are read back at their offsets (RandomReader) and written with
// wtap_dump, so each frame keeps its bytes, time stamp, interface and pcapng options. The
// output type follows the extension: .pcapng (+.gz) keeps every interface of the inputs
// (interfaces of later inputs are appended and their records renumbered); .pcap/.cap (+.gz)
// needs one link type, and becomes nanosecond pcap when the input's time stamps are finer
// than microseconds. Everything is written to a temporary file beside the target that is
// renamed into place at the end (without replacing an existing file unless `overwrite`),
// so an error never leaves a partial capture behind. The caller holds dissection_mutex().
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "dissect/extract/random_reader.h"

namespace xtractr {

class CaptureWriter {
 public:
  CaptureWriter(const std::string &path, bool overwrite);  // throws std::runtime_error
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter &) = delete;
  CaptureWriter &operator=(const CaptureWriter &) = delete;

  // Creates the file with `first`'s file header and interfaces (add() does it on first use);
  // lets an empty selection still give a valid, empty capture.
  void open(RandomReader &first);
  void add(RandomReader &reader, int64_t offset);  // throws std::runtime_error
  int64_t finish();                                // throws std::runtime_error

 private:
  void fail(const std::string &what, int err, char *err_info);

  std::string path_, temporary_;
  bool overwrite_;
  bool pcapng_ = false;
  bool compressed_ = false;
  int encap_ = 0;
  wtap_dumper *dumper_ = nullptr;
  std::map<RandomReader *, uint32_t> interface_base_;  // first output interface of each input
  uint32_t interfaces_ = 0;
  int64_t written_ = 0;
  bool finished_ = false;
};

}  // namespace xtractr
