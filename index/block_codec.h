// block_codec.h — the stored form of a frame's fields (the `docs` table's blocks in index.db),
// and the JSON helpers the `doc` column is built with.
//
// Usage (C++):
//   BlockEncoder encoder(field_info);           // while indexing: add() up to kFramesPerBlock
//   for (const FrameRecord &f : frames) encoder.add(f);
//   std::string block = encoder.take();         // one row of `docs` (block, data)
//   BlockDecoder decoder;                       // while reading
//   decoder.load(block);
//   decoder.frame(n, dictionary, values, sources);  // the n-th frame's fields
//
// How it works: frames are stored in blocks of kFramesPerBlock (1024; block b holds frames
// b*1024+1 ... (b+1)*1024), laid out by column because consecutive frames repeat themselves
// field by field. A stored block is
//   8 bytes: the uncompressed size, a host-order uint64 (the reader allocates once)
//   then one zstd frame of the uncompressed block:
//   varint frame count
//   shapes: varint count, then each: varint n, n × varint tag — a frame's list of fields,
//           tag = dictionary id << 1 | is_ref; frames of one flow share a few shapes
//   titles, sources addresses, destination addresses: three streams, each varint byte
//           length, then per frame varint length + text (Info, Source, Destination columns)
//   frame shapes: varint byte length, then per frame varint shape id
//   sources: varint byte length, then per frame its data sources: varint count, and per
//           source a type — 0 unreferenced, 1 the frame's own record (read back from the
//           capture), 2 pieces of earlier frames' records (varint count, then frame, offset,
//           length each), 3 raw (varint length + bytes)
//   columns: varint count, then each: varint dictionary id, varint byte length, and the
//           values of that field in frame order — integers as zigzag deltas from the
//           column's previous value; FT_NONE as nothing; text as varint length shared with
//           the column's previous text, varint length + the rest; decimal numbers
//           ("1362692526.939527000") as varint decimals + 1 and a zigzag delta of their digits
//           as an integer (0, then the text, when that does not spell them back exactly);
//           bytes as varint length + bytes; references as varint source, offset, length.
// Byte fields that are slices of a data source are stored as references to it, so payloads
// are not stored again and again (tcp.payload, tcp.segment_data, tcp.reassembled.data,
// http.file_data ... are all slices of two or three sources).
// The dictionary maps ids to (name, kind) and is stored beside the blocks (index.db's
// `dictionary` table). Reading a frame decodes its whole block once per cursor, not once per row.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dissect/frame_record.h"

namespace xtractr {

constexpr uint32_t kFramesPerBlock = 1024;

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
  struct Column {
    std::string values;
    int64_t last = 0;       // previous integer, for deltas
    std::string last_text;  // previous text, for shared prefixes
    bool in_block = false;  // in column_order_
  };
  uint32_t frames_ = 0;
  std::unordered_map<std::string, uint32_t> shape_ids_;
  std::vector<std::string> shapes_;  // varint tags, per shape
  std::string titles_, srcs_, dsts_, frame_shapes_, sources_;
  // by dictionary id; kept from block to block (cleared, not freed: their buffers are reused)
  std::vector<Column> columns_;
  std::vector<uint32_t> column_order_;  // the columns of this block, in order of appearance
  std::string shape_, raw_;             // scratch
};

// One decoded value of a stored field.
struct StoredValue {
  uint32_t id;  // dictionary id
  ValueKind kind;
  int64_t integer;
  std::string_view bytes;  // for references: filled in by resolve_references()
  int32_t source = -1;     // a reference into data source `source`
  uint32_t offset = 0, length = 0;
};

// One decoded data source of a frame.
struct StoredSource {
  enum Type : uint8_t { Unused = 0, Frame = 1, Pieces = 2, Raw = 3 } type = Unused;
  std::vector<Piece> pieces;
  std::string_view raw;
};

// Reads the bytes of one frame's record (local frame number) from the capture.
using RecordBytes = std::string (*)(void *context, uint32_t frame);

// Fills `bytes` of every reference in `values`, materialising the sources they point into
// in `storage` (which must outlive the values). `frame` is the values' own frame number.
// Throws std::runtime_error when the capture no longer holds the bytes.
void resolve_references(std::vector<StoredValue> &values, const std::vector<StoredSource> &sources, uint32_t frame,
                        RecordBytes read, void *context, std::vector<std::string> &storage);

// Reads blocks back.
class BlockDecoder {
 public:
  // Decompresses a block; throws std::runtime_error on damage.
  void load(std::string_view compressed);
  uint32_t frames() const { return uint32_t(titles_.size()); }
  // The fields of the n-th frame of the loaded block (0-based).
  void frame(uint32_t n, const std::vector<DictionaryEntry> &dictionary, std::vector<StoredValue> &out,
             std::vector<StoredSource> &sources) const;
  // Only the values whose dictionary id `wanted` marks, of every frame of the block (by frame,
  // in tree order), without decoding the other columns: much cheaper than frame() when a few
  // fields of a few frames are needed. A reference keeps source/offset/length and empty bytes
  // (sources are not decoded). Text stays valid until the next load().
  std::vector<std::vector<StoredValue>> select(const std::vector<DictionaryEntry> &dictionary,
                                               const std::vector<bool> &wanted) const;
  // The Info / Source / Destination columns of the n-th frame, without decoding its fields.
  std::string_view title(uint32_t n) const;
  std::string_view src(uint32_t n) const;
  std::string_view dst(uint32_t n) const;

 private:
  void decode_columns(const std::vector<DictionaryEntry> &dictionary) const;
  // Decodes the values `wanted` marks (all when null), and the sources when asked for.
  void decode(const std::vector<DictionaryEntry> &dictionary, const std::vector<bool> *wanted,
              std::deque<std::string> &texts, std::vector<std::vector<StoredValue>> &frame_values,
              std::vector<std::vector<StoredSource>> *frame_sources) const;
  std::string raw_;
  std::vector<std::string_view> titles_, srcs_, dsts_;
  mutable std::deque<std::string> texts_;           // rebuilt text values; a deque keeps them in place
  mutable std::deque<std::string> selected_texts_;  // the same, for select()
  std::string_view shapes_, frame_shapes_, sources_, columns_;
  // decoded lazily, on the first frame() call (it needs the dictionary's kinds)
  mutable bool decoded_ = false;
  mutable std::vector<std::vector<StoredValue>> frames_;
  mutable std::vector<std::vector<StoredSource>> frame_sources_;
};

// JSON writing helpers shared by the builders of the `doc` column (doc_builder.h).
void json_append_string(std::string &out, std::string_view text);
void json_append_value(std::string &out, const StoredValue &value);

// A value as `tshark -T fields` prints it: integers in decimal, bytes as plain lower-case hex,
// text as stored. Search and the catalog tables compare and count values by this text.
std::string stored_value_text(const StoredValue &value);

// Appends `"name":value` (or an array for repeated names) for every field, in first-seen
// order of names, to an object being written in `out` (which must not be closed yet).
void json_append_fields(std::string &out, const std::vector<StoredValue> &values,
                        const std::vector<DictionaryEntry> &dictionary);

}  // namespace xtractr
