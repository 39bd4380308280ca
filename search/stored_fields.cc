// stored_fields.cc — see stored_fields.h.
#include "search/stored_fields.h"

#include <stdexcept>

namespace xtractr {

const std::vector<StoredValue> &StoredFields::frame(uint32_t frame, const std::vector<bool> *wanted) {
  const CaptureIndex &index = *member_.index;
  int64_t block = (int64_t(frame) - 1) / kFramesPerBlock;
  if (block != block_) {
    block_ = -1;
    std::string data = index.block(block);
    if (data.empty())
      throw std::runtime_error("index of '" + index.capture() + "' lacks block " + std::to_string(block));
    decoder_.load(data);
    block_ = block;
  }
  decoder_.frame(uint32_t((frame - 1) % kFramesPerBlock), index.dictionary(), values_, sources_);
  bool resolve = false;
  for (const StoredValue &v : values_)
    if (v.source >= 0 && (!wanted || (v.id < wanted->size() && (*wanted)[v.id]))) {
      resolve = true;
      break;
    }
  if (resolve) {
    auto read = [](void *context, uint32_t n) { return static_cast<const CaptureIndex *>(context)->frame_bytes(n); };
    resolve_references(values_, sources_, frame, read, const_cast<CaptureIndex *>(&index), storage_);
  }
  return values_;
}

}  // namespace xtractr
