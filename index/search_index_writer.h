// search_index_writer.h — writes the Xapian search index of a capture while it is indexed.
//
// Usage (inside build_index(), one pass over the capture):
//
//   SearchIndexWriter search(directory + "/search");
//   while (dissector.next(frame)) { ...; search.add(frame); }
//   search.finish();
//
// How it works: one Xapian document per frame (docid = frame.number) with boolean terms only
// (no positions, no wdf), spelled as search_terms.h describes: a presence term per field, a
// value term per indexed value, words of string fields and of the Info column, and the packet
// columns as `pkt.*` pseudo-fields where the frame's own fields do not imply them. Which
// fields get value terms is decided per header field once (by type and name) and cached by
// hf id; finish() stores the field table as metadata and commits.
// The documents are written in K shards (K = the `workers` setting, up to 4), each by a Xapian
// thread of its own: frame f is document (f-1)/K+1 of shard (f-1) mod K, in search/<k>/, and
// search/XAPIANDB, a Xapian stub database listing the shards in order, is written last.
// Opened through the stub, Xapian interleaves the shards' document ids, so readers see
// docid = frame number as with one database.
#pragma once

#include <memory>
#include <string>

#include "dissect/frame_record.h"

namespace xtractr {

class SearchIndexWriter {
 public:
  explicit SearchIndexWriter(const std::string &directory);
  ~SearchIndexWriter();
  SearchIndexWriter(const SearchIndexWriter &) = delete;
  SearchIndexWriter &operator=(const SearchIndexWriter &) = delete;

  // Adds frame `frame.number`.
  void add(const FrameRecord &frame);
  // Stores the field table and commits; the index is complete only after this.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xtractr
