// capture_reader.h — reads the records of one capture file through libwiretap.
//
// Everything wiretap reads: pcap (µs/ns), pcapng (several interfaces), gzip/zstd-compressed
// files, any link type. Damage is not an exception: next() returns false and error()
// says what stopped the read, so the caller can keep every frame read before it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "dissect/wiretap_file.h"

namespace xtractr {

// A capture that cannot be opened at all (missing, unreadable, not a capture).
struct CaptureOpenError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CaptureReader {
 public:
  // throws CaptureOpenError; `random_access`: read_at() may be used too
  explicit CaptureReader(const std::string &path, bool random_access = false);
  ~CaptureReader();
  CaptureReader(const CaptureReader &) = delete;
  CaptureReader &operator=(const CaptureReader &) = delete;

  // Reads the next record; false at the end or on an error (then error() is non-empty).
  bool next();
  // Reads the record at `offset` (the one next() reported for it) instead; false and error()
  // when it cannot. Only for a reader opened with random access.
  bool read_at(int64_t offset);

  const wtap_rec &record() const { return record_.rec; }
  const uint8_t *data() const { return record_.data(); }
  int64_t offset() const { return offset_; }
  const std::string &error() const { return error_; }

  wtap *handle() { return wth_; }
  std::string format() const;       // e.g. "Wireshark/... - pcapng"
  std::string compression() const;  // "" when not compressed, else "gzip", "zstd"...
  int file_type_subtype() const;

 private:
  std::string path_;
  wtap *wth_ = nullptr;
  WiretapRecord record_;
  int64_t offset_ = 0;
  std::string error_;
  wtap_compression_type compression_ = WTAP_UNCOMPRESSED;  // from the file's magic number
};

// Link-layer type name as tshark shows it (wtap_encap_name).
std::string encapsulation_name(int encap);

}  // namespace xtractr
