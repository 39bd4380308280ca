// stored_fields.h — the stored field values of frames, for the checks search makes on them.
//
// Usage:
//
//   StoredFields stored(member);
//   for (uint32_t frame : candidates)
//     for (const StoredValue &v : stored.frame(frame, &wanted)) ...   // wanted: by dictionary id
//
// How it works: like DocBuilder::fields(), but byte fields stored as references to a data
// source (block_codec.h) are resolved — which reads frames back from the capture — only when one
// of the wanted fields is such a reference; search mostly reads numbers and text, so most
// frames cost one block decode shared by 1024 frames and a walk over their values.
#pragma once

#include <string>
#include <vector>

#include "index/block_codec.h"
#include "index/capture_collection.h"

namespace xtractr {

class StoredFields {
 public:
  explicit StoredFields(const CollectionMember &member) : member_(member) {}

  // The values of local frame `frame`; `wanted` (by dictionary id, nullptr = all) says whose
  // references must be resolved.
  const std::vector<StoredValue> &frame(uint32_t frame, const std::vector<bool> *wanted);

 private:
  const CollectionMember &member_;
  int64_t block_ = -1;
  BlockDecoder decoder_;
  std::vector<StoredValue> values_;
  std::vector<StoredSource> sources_;
  std::vector<std::string> storage_;
};

}  // namespace xtractr
