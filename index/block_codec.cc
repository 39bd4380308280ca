// block_codec.cc — see block_codec.h.
#include "index/block_codec.h"

#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "index/varint.h"

namespace xtractr {

namespace {

uint64_t read_varint(const char *&p, const char *end) {
  uint64_t v;
  if (!get_varint(p, end, v)) throw std::runtime_error("damaged index block (varint)");
  return v;
}

bool has_payload_bytes(ValueKind kind) {
  return kind == ValueKind::Text || kind == ValueKind::Bytes || kind == ValueKind::NumberText;
}

// "-12.034500" → digits -120345 00 as an integer, 6 decimals. Only plain decimals with at most
// kDecimalDigits digits qualify; spell_decimal() must give the text back exactly.
constexpr unsigned kDecimalDigits = 18;

std::string spell_decimal(int64_t digits, unsigned decimals) {
  bool negative = digits < 0;
  std::string d = std::to_string(negative ? uint64_t(0) - uint64_t(digits) : uint64_t(digits));
  if (d.size() <= decimals) d.insert(0, decimals + 1 - d.size(), '0');
  if (decimals) d.insert(d.size() - decimals, 1, '.');
  return negative ? "-" + d : d;
}

bool decimal_digits(std::string_view text, int64_t &digits, unsigned &decimals) {
  size_t i = 0;
  bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  uint64_t value = 0;
  unsigned count = 0;
  decimals = 0;
  bool dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    if (++count > kDecimalDigits) return false;
    value = value * 10 + unsigned(c - '0');
    if (dot) ++decimals;
  }
  if (count == 0 || (dot && decimals == 0)) return false;
  digits = negative ? -int64_t(value) : int64_t(value);
  return spell_decimal(digits, decimals) == text;  // leading zeros, "-0", ... keep their text
}

}  // namespace

uint32_t BlockEncoder::dictionary_id(int hf_id, ValueKind kind) {
  if (hf_id >= 0 && size_t(hf_id) < by_hf_.size() && by_hf_[hf_id]) {
    uint32_t id = uint32_t(by_hf_[hf_id] - 1);
    if (dictionary_[id].kind == kind) return id;
  }
  DictionaryEntry entry = info_(hf_id);
  entry.kind = kind;
  std::string key = entry.name;
  key.push_back('\0');
  key.push_back(char(kind));
  auto found = by_name_kind_.find(key);
  uint32_t id;
  if (found != by_name_kind_.end()) {
    id = found->second;
  } else {
    id = uint32_t(dictionary_.size());
    dictionary_.push_back(std::move(entry));
    by_name_kind_.emplace(std::move(key), id);
  }
  if (hf_id >= 0) {
    if (size_t(hf_id) >= by_hf_.size()) by_hf_.resize(size_t(hf_id) + 1024, 0);
    by_hf_[hf_id] = int32_t(id + 1);
  }
  return id;
}

void BlockEncoder::add(const FrameRecord &frame) {
  put_varint(titles_, frame.title.size());
  titles_ += frame.title;
  put_varint(srcs_, frame.src.size());
  srcs_ += frame.src;
  put_varint(dsts_, frame.dst.size());
  dsts_ += frame.dst;

  shape_.clear();
  for (const FieldValue &v : frame.fields) {
    const uint32_t id = dictionary_id(v.hf_id, v.kind);
    const bool is_ref = v.source >= 0;
    put_varint(shape_, uint64_t(id) << 1 | (is_ref ? 1 : 0));
    if (id >= columns_.size()) columns_.resize(size_t(id) + 1);
    Column &column = columns_[id];
    if (!column.in_block) {
      column.in_block = true;
      column_order_.push_back(id);
    }
    if (v.kind == ValueKind::Integer) {
      put_varint(column.values, zigzag(int64_t(uint64_t(v.integer) - uint64_t(column.last))));
      column.last = v.integer;
    } else if (is_ref) {
      put_varint(column.values, uint64_t(v.source));
      put_varint(column.values, v.offset);
      put_varint(column.values, v.length);
    } else if (v.kind == ValueKind::Text) {
      std::string_view text(frame.arena.data() + v.offset, v.length);
      size_t shared = 0, limit = std::min(text.size(), column.last_text.size());
      while (shared < limit && text[shared] == column.last_text[shared]) ++shared;
      put_varint(column.values, shared);
      put_varint(column.values, text.size() - shared);
      column.values.append(text.substr(shared));
      column.last_text.assign(text);
    } else if (v.kind == ValueKind::NumberText) {
      std::string_view text(frame.arena.data() + v.offset, v.length);
      int64_t digits;
      unsigned decimals;
      if (decimal_digits(text, digits, decimals)) {
        put_varint(column.values, decimals + 1);
        put_varint(column.values, zigzag(int64_t(uint64_t(digits) - uint64_t(column.last))));
        column.last = digits;
      } else {
        put_varint(column.values, 0);
        put_varint(column.values, text.size());
        column.values.append(text);
      }
    } else if (has_payload_bytes(v.kind)) {
      put_varint(column.values, v.length);
      column.values.append(frame.arena.data() + v.offset, v.length);
    }
  }
  auto shape = shape_ids_.find(shape_);
  if (shape == shape_ids_.end()) {
    shape = shape_ids_.emplace(shape_, uint32_t(shapes_.size())).first;
    shapes_.push_back(shape_);
  }
  put_varint(frame_shapes_, shape->second);

  put_varint(sources_, frame.sources.size());
  for (const DataSource &source : frame.sources) {
    if (!source.referenced) {
      put_varint(sources_, StoredSource::Unused);
    } else if (source.is_frame) {
      put_varint(sources_, StoredSource::Frame);
    } else if (!source.pieces.empty()) {
      put_varint(sources_, StoredSource::Pieces);
      put_varint(sources_, source.pieces.size());
      for (const Piece &p : source.pieces) {
        put_varint(sources_, p.frame);
        put_varint(sources_, p.frame_offset);
        put_varint(sources_, p.length);
      }
    } else {
      put_varint(sources_, StoredSource::Raw);
      put_varint(sources_, source.length);
      sources_.append(reinterpret_cast<const char *>(source.data), source.length);
    }
  }
  ++frames_;
}

std::string BlockEncoder::take() {
  std::string &raw = raw_;
  raw.clear();
  put_varint(raw, frames_);
  put_varint(raw, shapes_.size());
  for (const std::string &shape : shapes_) {
    const char *p = shape.data(), *end = p + shape.size();
    size_t n = 0;
    while (p < end) {
      read_varint(p, end);
      ++n;
    }
    put_varint(raw, n);
    raw += shape;
  }
  for (const std::string *stream : {&titles_, &srcs_, &dsts_, &frame_shapes_, &sources_}) {
    put_varint(raw, stream->size());
    raw += *stream;
  }
  put_varint(raw, column_order_.size());
  for (uint32_t id : column_order_) {
    const std::string &values = columns_[id].values;
    put_varint(raw, id);
    put_varint(raw, values.size());
    raw += values;
  }

  std::string out;
  out.resize(ZSTD_compressBound(raw.size()) + 8);
  // the raw size first, so the reader can allocate once
  uint64_t raw_size = raw.size();
  std::memcpy(&out[0], &raw_size, 8);
  // zstd's default level 3. Level 9 makes r16's blocks 10 % smaller (the index 4 %) but costs
  // five times the CPU (6.7 s of r16's 2-worker build), in the merging process that is now the
  // bottleneck of partitioned builds; reading is as fast either way. One context per thread,
  // kept: a fresh one per block costs the writers' thread page faults.
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx *)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  size_t n = ZSTD_compressCCtx(context.get(), &out[8], out.size() - 8, raw.data(), raw.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(8 + n);

  frames_ = 0;
  shape_ids_.clear();
  shapes_.clear();
  titles_.clear();
  srcs_.clear();
  dsts_.clear();
  frame_shapes_.clear();
  sources_.clear();
  for (uint32_t id : column_order_) {
    Column &column = columns_[id];
    column.values.clear();
    column.last = 0;
    column.last_text.clear();
    column.in_block = false;
  }
  column_order_.clear();
  return out;
}

namespace {

// The zstd frame `compressed`, which must decompress to exactly `size` bytes, into `out`. The
// size comes from the block, damage included: the buffer grows with what zstd produces (doubling
// from 8 times the compressed size), so a damaged size cannot allocate gigabytes for a frame
// that holds a few bytes.
void decompress(std::string_view compressed, uint64_t size, std::string &out) {
  const auto damaged = [] { return std::runtime_error("damaged index block (zstd)"); };
  // one context per thread, reset per frame: making one (and faulting in its window) cost about
  // as much as decoding a block's column for a map that reads one field
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!context) throw std::bad_alloc();
  if (ZSTD_isError(ZSTD_DCtx_reset(context.get(), ZSTD_reset_session_only))) throw damaged();
  out.resize(size_t(std::min<uint64_t>(size, compressed.size() * 8 + 65536)));
  ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};
  size_t produced = 0;
  for (;;) {
    // once `size` bytes are out, what is left of the frame (its end, a checksum) must produce
    // nothing more: a one-byte window catches a frame longer than the block says
    char extra;
    const bool full = produced == size;
    ZSTD_outBuffer buffer = full ? ZSTD_outBuffer{&extra, 1, 0} : ZSTD_outBuffer{&out[0], out.size(), produced};
    const size_t before = produced, consumed = in.pos;
    const size_t left = ZSTD_decompressStream(context.get(), &buffer, &in);
    if (ZSTD_isError(left) || (full && buffer.pos)) throw damaged();
    if (!full) produced = buffer.pos;
    if (left == 0) break;                                           // the frame is complete and flushed
    if (produced == before && in.pos == consumed) throw damaged();  // no progress: cut short
    if (produced == out.size() && out.size() < size)
      out.resize(size_t(std::min<uint64_t>(size, uint64_t(out.size()) * 2)));
  }
  if (produced != size || in.pos != in.size) throw damaged();
}

std::string_view take_bytes(const char *&p, const char *end, uint64_t length, const char *what) {
  if (length > uint64_t(end - p)) throw std::runtime_error(std::string("damaged index block (") + what + ")");
  std::string_view view(p, length);
  p += length;
  return view;
}

}  // namespace

void BlockDecoder::load(std::string_view compressed) {
  if (compressed.size() < 8) throw std::runtime_error("damaged index block (short)");
  uint64_t raw_size;
  std::memcpy(&raw_size, compressed.data(), 8);
  if (raw_size > (uint64_t(1) << 34)) throw std::runtime_error("damaged index block (size)");
  decompress(compressed.substr(8), raw_size, raw_);
  decoded_ = false;
  frames_.clear();
  frame_sources_.clear();
  titles_.clear();
  srcs_.clear();
  dsts_.clear();
  texts_.clear();
  selected_texts_.clear();

  const char *p = raw_.data(), *end = p + raw_.size();
  uint64_t frames = read_varint(p, end);
  if (frames > kFramesPerBlock * 16) throw std::runtime_error("damaged index block (frame count)");
  const char *shapes_start = p;
  uint64_t shape_count = read_varint(p, end);
  for (uint64_t i = 0; i < shape_count; ++i) {
    uint64_t tags = read_varint(p, end);
    for (uint64_t k = 0; k < tags; ++k) read_varint(p, end);
  }
  shapes_ = std::string_view(shapes_start, size_t(p - shapes_start));
  std::string_view titles = take_bytes(p, end, read_varint(p, end), "titles");
  std::string_view srcs = take_bytes(p, end, read_varint(p, end), "sources addresses");
  std::string_view dsts = take_bytes(p, end, read_varint(p, end), "destination addresses");
  frame_shapes_ = take_bytes(p, end, read_varint(p, end), "shapes");
  sources_ = take_bytes(p, end, read_varint(p, end), "sources");
  columns_ = std::string_view(p, size_t(end - p));

  auto split = [frames](std::string_view stream, std::vector<std::string_view> &out) {
    const char *t = stream.data(), *t_end = t + stream.size();
    for (uint64_t i = 0; i < frames; ++i) out.push_back(take_bytes(t, t_end, read_varint(t, t_end), "column text"));
  };
  split(titles, titles_);
  split(srcs, srcs_);
  split(dsts, dsts_);
}

void BlockDecoder::decode_columns(const std::vector<DictionaryEntry> &dictionary) const {
  texts_.clear();
  decode(dictionary, nullptr, texts_, frames_, &frame_sources_);
  decoded_ = true;
}

std::vector<std::vector<StoredValue>> BlockDecoder::select(const std::vector<DictionaryEntry> &dictionary,
                                                           const std::vector<bool> &wanted) const {
  std::vector<std::vector<StoredValue>> frames;
  decode(dictionary, &wanted, selected_texts_, frames, nullptr);
  return frames;
}

// Each column is stored apart, so a column nobody wants is never read: its values are skipped
// by not advancing its cursor. Sources are read only when asked for.
void BlockDecoder::decode(const std::vector<DictionaryEntry> &dictionary, const std::vector<bool> *wanted,
                          std::deque<std::string> &texts, std::vector<std::vector<StoredValue>> &frame_values,
                          std::vector<std::vector<StoredSource>> *frame_sources) const {
  // shapes
  const char *p = shapes_.data(), *end = p + shapes_.size();
  std::vector<std::vector<uint64_t>> shapes(read_varint(p, end));
  for (auto &shape : shapes) {
    shape.resize(read_varint(p, end));
    for (auto &tag : shape) {
      tag = read_varint(p, end);
      if ((tag >> 1) >= dictionary.size()) throw std::runtime_error("damaged index block (field id)");
    }
    // only the wanted fields' tags: the frames below then walk a few tags, not ~100 each (the
    // columns are separate streams, so skipping a field's tags leaves the others' cursors right)
    if (wanted)
      shape.erase(std::remove_if(shape.begin(), shape.end(),
                                 [&](uint64_t tag) { return (tag >> 1) >= wanted->size() || !(*wanted)[tag >> 1]; }),
                  shape.end());
  }
  // columns, by dictionary id: a cursor into each one's values
  struct Cursor {
    const char *p = nullptr, *end = nullptr;
    int64_t last = 0;
    std::string last_text;
  };
  std::unordered_map<uint32_t, Cursor> cursors;
  p = columns_.data();
  end = p + columns_.size();
  uint64_t column_count = read_varint(p, end);
  for (uint64_t i = 0; i < column_count; ++i) {
    uint32_t id = uint32_t(read_varint(p, end));
    std::string_view values = take_bytes(p, end, read_varint(p, end), "column");
    if (wanted && (id >= wanted->size() || !(*wanted)[id])) continue;  // never read
    cursors[id] = Cursor{values.data(), values.data() + values.size(), 0, {}};
  }

  const size_t frames = titles_.size();
  frame_values.assign(frames, {});
  if (frame_sources) frame_sources->assign(frames, {});
  const char *s = frame_shapes_.data(), *s_end = s + frame_shapes_.size();
  const char *q = sources_.data(), *q_end = q + sources_.size();
  for (size_t f = 0; f < frames; ++f) {
    uint64_t shape_id = read_varint(s, s_end);
    if (shape_id >= shapes.size()) throw std::runtime_error("damaged index block (shape)");
    std::vector<StoredValue> &out = frame_values[f];
    if (!wanted) out.reserve(shapes[shape_id].size());
    for (uint64_t tag : shapes[shape_id]) {
      StoredValue v{};
      v.id = uint32_t(tag >> 1);
      if (wanted && (v.id >= wanted->size() || !(*wanted)[v.id])) continue;
      v.kind = dictionary[v.id].kind;
      auto found = cursors.find(v.id);
      if (found == cursors.end()) throw std::runtime_error("damaged index block (column)");
      Cursor &c = found->second;
      if (v.kind == ValueKind::Integer) {
        c.last = int64_t(uint64_t(c.last) + uint64_t(unzigzag(read_varint(c.p, c.end))));
        v.integer = c.last;
      } else if (v.kind == ValueKind::Present) {
        v.integer = 1;
      } else if (tag & 1) {
        v.source = int32_t(read_varint(c.p, c.end));
        v.offset = uint32_t(read_varint(c.p, c.end));
        v.length = uint32_t(read_varint(c.p, c.end));
      } else if (v.kind == ValueKind::Text) {
        uint64_t shared = read_varint(c.p, c.end);
        if (shared > c.last_text.size()) throw std::runtime_error("damaged index block (text)");
        c.last_text.resize(shared);
        c.last_text.append(take_bytes(c.p, c.end, read_varint(c.p, c.end), "text"));
        texts.push_back(c.last_text);
        v.bytes = texts.back();
      } else if (v.kind == ValueKind::NumberText) {
        uint64_t decimals = read_varint(c.p, c.end);
        if (decimals == 0) {
          v.bytes = take_bytes(c.p, c.end, read_varint(c.p, c.end), "number");
        } else {
          // a damaged count would spell billions of zeros (fuzz_block)
          if (decimals - 1 > kDecimalDigits) throw std::runtime_error("damaged index block (number)");
          c.last = int64_t(uint64_t(c.last) + uint64_t(unzigzag(read_varint(c.p, c.end))));
          texts.push_back(spell_decimal(c.last, unsigned(decimals - 1)));
          v.bytes = texts.back();
        }
      } else {
        v.bytes = take_bytes(c.p, c.end, read_varint(c.p, c.end), "value");
      }
      out.push_back(v);
    }
    if (!frame_sources) continue;
    uint64_t source_count = read_varint(q, q_end);
    std::vector<StoredSource> &sources = (*frame_sources)[f];
    for (uint64_t i = 0; i < source_count; ++i) {
      StoredSource source;
      source.type = StoredSource::Type(read_varint(q, q_end));
      if (source.type == StoredSource::Pieces) {
        uint64_t pieces = read_varint(q, q_end);
        for (uint64_t k = 0; k < pieces; ++k) {
          Piece piece;
          piece.frame = uint32_t(read_varint(q, q_end));
          piece.frame_offset = uint32_t(read_varint(q, q_end));
          piece.length = uint32_t(read_varint(q, q_end));
          source.pieces.push_back(piece);
        }
      } else if (source.type == StoredSource::Raw) {
        source.raw = take_bytes(q, q_end, read_varint(q, q_end), "source");
      } else if (source.type != StoredSource::Unused && source.type != StoredSource::Frame) {
        throw std::runtime_error("damaged index block (source type)");
      }
      sources.push_back(std::move(source));
    }
  }
}

void BlockDecoder::frame(uint32_t n, const std::vector<DictionaryEntry> &dictionary, std::vector<StoredValue> &out,
                         std::vector<StoredSource> &sources) const {
  out.clear();
  sources.clear();
  if (n >= titles_.size()) return;
  if (!decoded_) decode_columns(dictionary);
  out = frames_[n];
  sources = frame_sources_[n];
}

std::string_view BlockDecoder::title(uint32_t n) const { return n < titles_.size() ? titles_[n] : std::string_view(); }

std::string_view BlockDecoder::src(uint32_t n) const { return n < srcs_.size() ? srcs_[n] : std::string_view(); }

std::string_view BlockDecoder::dst(uint32_t n) const { return n < dsts_.size() ? dsts_[n] : std::string_view(); }

void resolve_references(std::vector<StoredValue> &values, const std::vector<StoredSource> &sources, uint32_t frame,
                        RecordBytes read, void *context, std::vector<std::string> &storage) {
  storage.assign(sources.size(), std::string());
  std::vector<bool> ready(sources.size(), false);
  std::string record;
  for (StoredValue &v : values) {
    if (v.source < 0) continue;
    size_t k = size_t(v.source);
    if (k >= sources.size()) throw std::runtime_error("damaged index block (source)");
    const StoredSource &source = sources[k];
    if (!ready[k]) {
      std::string &bytes = storage[k];
      switch (source.type) {
        case StoredSource::Frame:
          bytes = read(context, frame);
          break;
        case StoredSource::Pieces:
          for (const Piece &piece : source.pieces) {
            record = read(context, piece.frame);
            if (uint64_t(piece.frame_offset) + piece.length > record.size())
              throw std::runtime_error("the capture no longer holds frame " + std::to_string(piece.frame) +
                                       " as indexed");
            bytes.append(record, piece.frame_offset, piece.length);
          }
          break;
        case StoredSource::Raw:
          bytes.assign(source.raw);
          break;
        case StoredSource::Unused:
          throw std::runtime_error("damaged index block (unused source referenced)");
      }
      ready[k] = true;
    }
    const std::string &bytes = storage[k];
    if (uint64_t(v.offset) + v.length > bytes.size())
      throw std::runtime_error("the capture no longer holds frame " + std::to_string(frame) + " as indexed");
    v.bytes = std::string_view(bytes).substr(v.offset, v.length);
  }
}

void json_append_string(std::string &out, std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(char(c));
        }
    }
  }
  out.push_back('"');
}

namespace {

// A JSON number as RFC 8259 spells it (tshark prints "inf"/"nan" for some floats).
bool is_json_number(std::string_view t) {
  size_t i = 0, n = t.size();
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  if (t[i] == '0')
    ++i;
  else if (t[i] >= '1' && t[i] <= '9')
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
  else
    return false;
  if (i < n && t[i] == '.') {
    ++i;
    if (i >= n || !(t[i] >= '0' && t[i] <= '9')) return false;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (i >= n || !(t[i] >= '0' && t[i] <= '9')) return false;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
  }
  return i == n;
}

}  // namespace

void json_append_value(std::string &out, const StoredValue &v) {
  static const char hex[] = "0123456789abcdef";
  switch (v.kind) {
    case ValueKind::Integer:
    case ValueKind::Present:
      out += std::to_string(v.integer);
      break;
    case ValueKind::Bytes:
      out.push_back('"');
      for (unsigned char c : v.bytes) {
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
      }
      out.push_back('"');
      break;
    case ValueKind::NumberText:
      if (is_json_number(v.bytes)) {
        out += v.bytes;
        break;
      }
      json_append_string(out, v.bytes);
      break;
    case ValueKind::Text:
      json_append_string(out, v.bytes);
      break;
  }
}

std::string stored_value_text(const StoredValue &v) {
  static const char hex[] = "0123456789abcdef";
  switch (v.kind) {
    case ValueKind::Integer:
    case ValueKind::Present:
      return std::to_string(v.integer);
    case ValueKind::Bytes: {
      std::string out;
      out.reserve(v.bytes.size() * 2);
      for (unsigned char c : v.bytes) {
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
      }
      return out;
    }
    default:
      return std::string(v.bytes);
  }
}

void json_append_fields(std::string &out, const std::vector<StoredValue> &values,
                        const std::vector<DictionaryEntry> &dictionary) {
  // Group values by name in first-seen order. Names are few per frame (~100): a linear
  // scan over the distinct names of this frame beats hashing.
  struct Group {
    const std::string *name;
    std::vector<uint32_t> members;
  };
  std::vector<Group> groups;
  groups.reserve(values.size());
  for (uint32_t i = 0; i < values.size(); ++i) {
    const std::string &name = dictionary[values[i].id].name;
    Group *group = nullptr;
    for (auto it = groups.rbegin(); it != groups.rend(); ++it)
      if (it->name == &name || *it->name == name) {
        group = &*it;
        break;
      }
    if (!group) {
      groups.push_back(Group{&name, {}});
      group = &groups.back();
    }
    group->members.push_back(i);
  }
  for (const Group &group : groups) {
    out.push_back(',');
    json_append_string(out, *group.name);
    out.push_back(':');
    if (group.members.size() == 1) {
      json_append_value(out, values[group.members[0]]);
      continue;
    }
    out.push_back('[');
    for (size_t k = 0; k < group.members.size(); ++k) {
      if (k) out.push_back(',');
      json_append_value(out, values[group.members[k]]);
    }
    out.push_back(']');
  }
}

}  // namespace xtractr
