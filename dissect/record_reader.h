// record_reader.h — reads single records of a capture at random, by their file offset.
//
// The index keeps each frame's record offset; this reads the frame's bytes back (for byte
// fields stored as references, stream reassembly, pcap slices) without a sequential pass.
// Uses wiretap's random-access stream (wtap_seek_read). Not thread-safe: one owner at a time.
#pragma once

#include <cstdint>
#include <string>

extern "C" {
#include <wiretap/wtap.h>
}

namespace xtractr {

class RecordReader {
 public:
  explicit RecordReader(const std::string &path);  // throws CaptureOpenError
  ~RecordReader();
  RecordReader(const RecordReader &) = delete;
  RecordReader &operator=(const RecordReader &) = delete;

  // Reads the record at `offset`; throws std::runtime_error naming the capture on failure.
  const wtap_rec &read(int64_t offset);
  // The bytes of the record last read (caplen of a packet record).
  std::string bytes() const;
  const uint8_t *data() const { return ws_buffer_start_ptr(&buf_); }

 private:
  bool catch_up(int64_t offset);  // sequential read up to `offset`; true if it read anything

  std::string path_;
  int64_t sequential_offset_ = -1;  // offset of the last record read sequentially
  wtap *wth_ = nullptr;
  wtap_rec rec_;
  Buffer buf_;
};

}  // namespace xtractr
