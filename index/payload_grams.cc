// payload_grams.cc — see payload_grams.h.
#include "index/payload_grams.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "core/sqlite_handles.h"
#include "dissect/wireshark_runtime.h"
#include "index/varint.h"

namespace xtractr {

namespace {

constexpr size_t kGram = 3;
constexpr uint32_t kBitsPerGram = 2;  // Bloom filter bits per distinct trigram (one hash)
// distinct trigrams kept as a sorted list, then as a 2^24-bit set (2 MiB, no sorting: on r2-bench
// the 22 largest directions, 8.1 M of 18.3 M distinct trigrams)
constexpr size_t kDirectAfter = 1u << 17;
constexpr uint32_t kIncomplete = 1;  // some frame's bytes were not at hand: always a candidate
constexpr uint32_t kIrregular = 2;   // segment boundaries not all seen: always a stream candidate
// a frame's tcp.payload or udp.payload is not a slice of its own bytes (IP fragments reassembled,
// decrypted or decompressed data): its frames' bytes cannot rule a payload needle out
constexpr uint32_t kUnsliced = 4;

// ASCII letters count in lower case: one index serves both the case-sensitive needles of
// `contains` and stream: (a superset, checked exactly) and the query language's bare words,
// which match in any case. Folding costs those a little precision on text; a Bloom filter of
// exact trigrams would have to be probed with up to 8 spellings of each trigram instead.
uint8_t fold(uint8_t c) { return c >= 'A' && c <= 'Z' ? uint8_t(c | 0x20) : c; }

uint32_t gram_at(const uint8_t *p) { return uint32_t(fold(p[0])) << 16 | uint32_t(fold(p[1])) << 8 | fold(p[2]); }

// murmur3's finaliser: spreads the 24-bit trigram over 32 bits.
uint32_t gram_hash(uint32_t g) {
  g ^= g >> 16;
  g *= 0x85ebca6bu;
  g ^= g >> 13;
  g *= 0xc2b2ae35u;
  g ^= g >> 16;
  return g;
}

size_t bit_of(uint32_t gram, size_t bits) { return size_t((uint64_t(gram_hash(gram)) * bits) >> 32); }

const char kSchema[] =
    "CREATE TABLE payload_grams(part INTEGER PRIMARY KEY, flags INTEGER NOT NULL, grams INTEGER NOT NULL,"
    " frames BLOB NOT NULL, bits BLOB NOT NULL)";

}  // namespace

bool payload_index_requested() {
  const char *v = std::getenv(kPayloadIndexVariable);
  return v && *v && std::strcmp(v, "0") != 0;
}

void keep_frame_bytes(FrameRecord &frame) {
  for (DataSource &s : frame.sources)
    if (s.is_frame && s.data) s.referenced = true;
}

struct PayloadGramWriter::Part {
  std::vector<uint32_t> grams;  // distinct up to `sorted`, then new ones in arrival order
  size_t sorted = 0;
  std::vector<uint64_t> direct;  // every trigram's bit, once `grams` outgrew kDirectAfter
  std::vector<uint32_t> frames;
  uint32_t flags = 0;
  // the stream so far: its last (up to two) bytes, and the TCP sequence number that follows
  uint8_t tail[kGram - 1] = {};
  size_t tail_length = 0;
  uint32_t next_seq = 0;
  bool started = false;
  bool skipped_hole = false;  // some bytes of the direction were missing when later ones came

  void add_bytes(const uint8_t *p, size_t n) {
    if (n < kGram) return;
    if (!direct.empty()) {
      for (size_t i = 0; i + kGram <= n; ++i) {
        uint32_t g = gram_at(p + i);
        direct[g >> 6] |= uint64_t(1) << (g & 63);
      }
      return;
    }
    uint32_t previous = UINT32_MAX;
    for (size_t i = 0; i + kGram <= n; ++i) {
      uint32_t g = gram_at(p + i);
      if (g != previous) grams.push_back(g);  // runs (padding, zeros) cost one entry
      previous = g;
    }
    if (grams.size() >= 2 * sorted + 4096) compact();
  }

  void compact() {
    // the new ones sorted, then merged into the distinct ones: each trigram is sorted once
    std::sort(grams.begin() + std::ptrdiff_t(sorted), grams.end());
    std::inplace_merge(grams.begin(), grams.begin() + std::ptrdiff_t(sorted), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    sorted = grams.size();
    if (sorted <= kDirectAfter) return;
    direct.assign((size_t(1) << 24) / 64, 0);
    for (uint32_t g : grams) direct[g >> 6] |= uint64_t(1) << (g & 63);
    grams = {};
    sorted = 0;
  }

  // The stream of this direction continues with `payload`: the trigrams across the boundary.
  void join(const uint8_t *payload, size_t n) {
    if (n == 0) return;
    uint8_t edge[2 * (kGram - 1)];
    size_t k = 0;
    for (size_t i = 0; i < tail_length; ++i) edge[k++] = tail[i];
    for (size_t i = 0; i < std::min(n, kGram - 1); ++i) edge[k++] = payload[i];
    add_bytes(edge, k);
    // the new tail: the last two bytes of the stream
    uint8_t joined[2 * (kGram - 1)];
    size_t m = 0;
    if (n < kGram - 1)
      for (size_t i = 0; i < tail_length; ++i) joined[m++] = tail[i];
    for (size_t i = n > kGram - 1 ? n - (kGram - 1) : 0; i < n; ++i) joined[m++] = payload[i];
    tail_length = std::min(m, kGram - 1);
    std::memcpy(tail, joined + (m - tail_length), tail_length);
  }

  void restart() {
    tail_length = 0;
    started = false;
  }

  size_t distinct() {
    if (direct.empty()) {
      compact();
      return direct.empty() ? grams.size() : distinct();
    }
    size_t n = 0;
    for (uint64_t w : direct) n += size_t(__builtin_popcountll(w));
    return n;
  }

  std::string bloom(size_t distinct_grams) {
    size_t bytes = (distinct_grams * kBitsPerGram + 7) / 8;
    std::string out(bytes, '\0');
    const size_t bits = bytes * 8;
    auto set = [&](uint32_t g) {
      size_t b = bit_of(g, bits);
      out[b >> 3] = char(uint8_t(out[b >> 3]) | uint8_t(1u << (b & 7)));
    };
    if (!bits) return out;
    if (direct.empty()) {
      for (uint32_t g : grams) set(g);
    } else {
      for (size_t w = 0; w < direct.size(); ++w)
        for (uint64_t word = direct[w]; word; word &= word - 1) set(uint32_t(w * 64 + size_t(__builtin_ctzll(word))));
    }
    return out;
  }
};

PayloadGramWriter::PayloadGramWriter()
    : hf_tcp_payload_(field_id("tcp.payload")),
      hf_tcp_segment_(field_id("tcp.segment_data")),
      hf_tcp_seq_(field_id("tcp.seq_raw")),
      hf_udp_payload_(field_id("udp.payload")) {}

PayloadGramWriter::~PayloadGramWriter() = default;

void PayloadGramWriter::add(const FrameRecord &frame, uint32_t flow, int dir) {
  std::unique_ptr<Part> &slot = parts_[uint64_t(flow) << 1 | uint64_t(dir & 1)];
  if (!slot) slot = std::make_unique<Part>();
  Part &part = *slot;
  part.frames.push_back(frame.number);
  const DataSource *bytes = nullptr;
  for (const DataSource &s : frame.sources)
    if (s.is_frame && s.referenced && s.data) bytes = &s;
  if (!bytes) {
    part.flags |= kIncomplete;
    return;
  }
  part.add_bytes(bytes->data, bytes->length);
  // a payload not sliced from the frame's own bytes (a datagram reassembled from IP fragments,
  // or a copy when the capture is compressed): `tcp.payload contains` reads those bytes
  for (const FieldValue &v : frame.fields) {
    if ((v.hf_id != hf_tcp_payload_ && v.hf_id != hf_udp_payload_) || v.kind != ValueKind::Bytes) continue;
    if (v.source >= 0 && frame.sources[size_t(v.source)].is_frame) continue;
    part.flags |= kUnsliced;
    const std::string_view b = frame.text(v);
    part.add_bytes(reinterpret_cast<const uint8_t *>(b.data()), b.size());
  }

  // the boundary with the previous segment or datagram of this direction
  auto payload_of = [&](int hf) -> std::string_view {
    const FieldValue *v = hf >= 0 ? frame.last(hf) : nullptr;
    return v && v->kind == ValueKind::Bytes ? frame.text(*v) : std::string_view();
  };
  if (frame.tcp_stream >= 0 && frame.ip_proto == 6) {
    if (frame.payload <= 0) return;
    // a segment's bytes are tcp.payload, or tcp.segment_data when they go into a reassembly
    std::string_view payload = payload_of(hf_tcp_payload_);
    if (payload.empty()) payload = payload_of(hf_tcp_segment_);
    const FieldValue *seq = hf_tcp_seq_ >= 0 ? frame.last(hf_tcp_seq_) : nullptr;
    if (!seq || payload.size() != uint64_t(frame.payload)) {
      part.flags |= kIrregular;  // bytes missing (a short capture) or not found: the stream is not known
      part.restart();
      return;
    }
    const uint32_t start = uint32_t(seq->integer), end = start + uint32_t(payload.size());
    if (part.started && int32_t(end - part.next_seq) <= 0) {
      // bytes before the next expected: a retransmission of bytes seen, unless a hole was
      // skipped, which this may fill (out of order): its boundaries were not seen
      if (part.skipped_hole) part.flags |= kIrregular;
      return;
    }
    if (part.started && int32_t(start - part.next_seq) > 0) {
      // bytes missing: the follower puts a gap here (or reports nothing after it), so no needle
      // straddles it; a new run starts
      part.skipped_hole = true;
      part.restart();
    } else if (part.started && start != part.next_seq) {
      part.flags |= kIrregular;  // an overlap with new bytes: boundaries unseen
      part.restart();
    }
    part.join(reinterpret_cast<const uint8_t *>(payload.data()), payload.size());
    part.next_seq = end;
    part.started = true;
  } else if (frame.udp_stream >= 0 && frame.ip_proto == 17) {
    std::string_view payload = payload_of(hf_udp_payload_);
    part.join(reinterpret_cast<const uint8_t *>(payload.data()), payload.size());
  }
}

void PayloadGramWriter::write(const std::string &index_db) {
  Database db(index_db, SQLITE_OPEN_READWRITE);
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN");
  db.exec(kSchema);
  Statement insert(db.get(), "INSERT INTO payload_grams(flags, grams, frames, bits) VALUES(?1, ?2, ?3, ?4)");
  std::string frames;
  for (auto &entry : parts_) {
    Part &part = *entry.second;
    const size_t distinct = part.distinct();
    frames.clear();
    uint32_t previous = 0;
    for (uint32_t f : part.frames) {
      put_varint(frames, f - previous);
      previous = f;
    }
    insert.bind(1, int64_t(part.flags));
    insert.bind(2, int64_t(distinct));
    insert.bind_blob(3, frames);
    insert.bind_blob(4, part.bloom(distinct));
    insert.run();
    entry.second.reset();  // its memory back now
  }
  db.exec("COMMIT");
}

std::optional<std::vector<uint32_t>> payload_candidates(sqlite3 *index_db, std::string_view needle, bool across_frames,
                                                        std::vector<uint32_t> *unsliced) {
  if (needle.size() < kGram) return std::nullopt;
  {
    Statement exists(index_db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payload_grams'");
    if (!exists.step()) return std::nullopt;
  }
  std::vector<uint32_t> grams;
  const auto *p = reinterpret_cast<const uint8_t *>(needle.data());
  for (size_t i = 0; i + kGram <= needle.size(); ++i) grams.push_back(gram_at(p + i));
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());

  const uint32_t always = across_frames ? (kIncomplete | kIrregular) : kIncomplete;
  std::vector<uint32_t> out;
  Statement rows(index_db, "SELECT flags, frames, bits FROM payload_grams");
  while (rows.step()) {
    const std::string_view bits = rows.blob(2);
    const size_t n = bits.size() * 8;
    bool may_hold = (uint32_t(rows.integer(0)) & always) != 0;
    if (!may_hold && n) {
      may_hold = std::all_of(grams.begin(), grams.end(), [&](uint32_t g) {
        size_t b = bit_of(g, n);
        return (uint8_t(bits[b >> 3]) >> (b & 7)) & 1;
      });
    }
    if (!may_hold) continue;
    const size_t first = out.size();
    const std::string_view frames = rows.blob(1);
    const char *f = frames.data(), *end = f + frames.size();
    uint64_t frame = 0;
    for (uint64_t gap; f < end;) {
      if (!get_varint(f, end, gap) || (frame += gap) > UINT32_MAX)
        throw std::runtime_error("damaged index (payload_grams frames)");
      out.push_back(uint32_t(frame));
    }
    if (unsliced && (uint32_t(rows.integer(0)) & (kUnsliced | kIncomplete)))
      unsliced->insert(unsliced->end(), out.begin() + std::ptrdiff_t(first), out.end());
  }
  for (std::vector<uint32_t> *list : {&out, unsliced}) {
    if (!list) continue;
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return out;
}

}  // namespace xtractr
