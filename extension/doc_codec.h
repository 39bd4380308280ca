// doc_codec.h — the stored form of a frame's fields, and the JSON `doc` built from it.
//
// Frames are stored in blocks of up to kFramesPerBlock, each block zstd-compressed. Inside a
// block a frame is: varint field count, then per field varint(dictionary id) and a payload
// that depends on the field's kind (zigzag varint for integers, nothing for FT_NONE, varint
// length + bytes otherwise). The dictionary maps ids to (name, kind) and is stored beside
// the blocks. Reading a frame decompresses its block once per cursor, not once per row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dissect/frame_record.h"

namespace xtractr {

constexpr uint32_t kFramesPerBlock = 256;

struct DictionaryEntry {
  std::string name;
  ValueKind kind;
};

// Builds blocks while indexing.
class BlockEncoder {
 public:
  // name/kind of a Wireshark header field; supplied by the dissection layer
  using FieldInfo = DictionaryEntry (*)(int hf_id);
  explicit BlockEncoder(FieldInfo info) : info_(info) {}

  void add(const FrameRecord &frame);
  uint32_t frames() const { return frames_; }
  // Compressed block of the frames added since the last take(); resets the encoder.
  std::string take();
  // Dictionary entries created so far (ids are positions).
  const std::vector<DictionaryEntry> &dictionary() const { return dictionary_; }

 private:
  uint32_t dictionary_id(int hf_id, ValueKind kind);
  FieldInfo info_;
  std::vector<int32_t> by_hf_;  // hf_id → dictionary id + 1 (0 = none yet)
  std::unordered_map<std::string, uint32_t> by_name_kind_;
  std::vector<DictionaryEntry> dictionary_;
  std::string raw_;       // frames of the current block
  std::string frame_;     // scratch for one frame
  uint32_t frames_ = 0;
};

// One decoded value of a stored field.
struct StoredValue {
  uint32_t id;  // dictionary id
  ValueKind kind;
  int64_t integer;
  std::string_view bytes;
};

// Reads blocks back.
class BlockDecoder {
 public:
  // Decompresses a block; throws std::runtime_error on damage.
  void load(std::string_view compressed);
  uint32_t frames() const { return uint32_t(starts_.size()); }
  // The fields of the n-th frame of the loaded block (0-based).
  void frame(uint32_t n, const std::vector<DictionaryEntry> &dictionary, std::vector<StoredValue> &out) const;

 private:
  std::string raw_;
  std::vector<uint32_t> starts_;
};

// JSON writing helpers shared by the doc builders.
void json_append_string(std::string &out, std::string_view text);
void json_append_value(std::string &out, const StoredValue &value);

// Appends `"name":value` (or an array for repeated names) for every field, in first-seen
// order of names, to an object being written in `out` (which must not be closed yet).
void json_append_fields(std::string &out, const std::vector<StoredValue> &values,
                        const std::vector<DictionaryEntry> &dictionary);

}  // namespace xtractr
