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
// mtime, inode, a hash of its first bytes) is the one recorded.
#pragma once

#include <cstdint>
#include <string>

#include "core/sqlite_handles.h"
#include "index/index_summary.h"

namespace xtractr {

// The identity of a capture file on disk.
struct CaptureStamp {
  int64_t size = -1, mtime_ns = -1, inode = -1;
  uint64_t head = 0;  // file_head_hash(): checked when an index is opened, not on every query
  // size, mtime and inode (the cheap check made on every query)
  bool same_file(const CaptureStamp &o) const { return size == o.size && mtime_ns == o.mtime_ns && inode == o.inode; }
};

// stat() of the capture (head left 0); throws UserError naming the file when it cannot be read.
CaptureStamp stamp_of(const std::string &path);

struct IndexMeta {
  int schema_version = 0;
  std::string wireshark_version;
  CaptureStamp stamp;
  IndexSummary summary;  // summary.capture is the capture's path

  // Whether this index describes `capture` as `stamp` (with its head hash) says it is now.
  bool describes(const std::string &capture, const CaptureStamp &stamp) const;
};

// The meta of an index of `summary.capture` built now, by this process.
IndexMeta current_meta(const CaptureStamp &stamp, const IndexSummary &summary);

void write_meta(Database &db, const IndexMeta &meta);
// Throws std::runtime_error when a fact is missing or malformed.
IndexMeta read_meta(Database &db);

}  // namespace xtractr
