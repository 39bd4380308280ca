// index_meta.h — the facts an index records about itself and its capture (index.db `meta`).
//
// Usage (C++):
//
//   IndexMeta meta = current_meta(capture, stamp_of(capture), summary);   // the builder
//   write_meta(db, meta);
//   IndexMeta stored = read_meta(db);                                  // CaptureIndex::open
//   if (!stored.describes(capture, stamp_of(capture))) rebuild();
//
// How it works: one struct, written and read by the same two functions, so the builder and
// the validity check cannot disagree on a key. An index is valid for a capture when the
// schema and libwireshark versions are the ones running now and the capture's stamp (size,
// mtime, ctime, inode, a hash of content sampled over the whole file) is the one recorded.
#pragma once

#include <cstdint>
#include <string>

#include "core/sqlite_handles.h"
#include "index/index_summary.h"

namespace xtractr {

// The identity of a capture file on disk: what stat() says and a hash of samples of its
// content (file_sample_hash, index_location.h). ctime catches a rewrite whose mtime was put
// back (`touch -r`), the samples a copy over the file that kept every stat() fact.
struct CaptureStamp {
  int64_t size = -1, mtime_ns = -1, ctime_ns = -1, inode = -1;
  uint64_t sample = 0;
  bool operator==(const CaptureStamp &o) const {
    return size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns && inode == o.inode && sample == o.sample;
  }
};

// The capture's stamp now (stat() and ~320 KiB of samples, checked by every query); throws
// UserError naming the file when it cannot be read or is not a regular file.
CaptureStamp stamp_of(const std::string &path);

struct IndexMeta {
  int schema_version = 0;
  std::string wireshark_version;
  CaptureStamp stamp;
  IndexSummary summary;  // summary.capture is the capture's path

  // Whether this index describes `capture` as `stamp` says it is now, dissected with the
  // settings of identity `dissection` (capture_settings.h).
  bool describes(const std::string &capture, const CaptureStamp &stamp, const std::string &dissection) const;
};

// The meta of an index of `summary.capture` built now, by this process (with the settings
// its environment carries: environment_settings_identity()).
IndexMeta current_meta(const CaptureStamp &stamp, const IndexSummary &summary);

void write_meta(Database &db, const IndexMeta &meta);
// Throws std::runtime_error when a fact is missing or malformed.
IndexMeta read_meta(Database &db);

}  // namespace xtractr
