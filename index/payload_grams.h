// payload_grams.h — the payload index: which byte trigrams the frames of each flow direction
// hold (and which straddle its TCP segments or UDP datagrams), so that a substring search reads
// only the frames and streams that can hold the needle. Optional: built when the indexer runs
// with XTRACTR_PAYLOAD_INDEX=1, which `xtractr_config('payload_index', 1)` sets (it is part of
// the index's identity: turning it on or off rebuilds an index on its next open).
//
// Usage (SQL; display_filter.h and the query language use it):
//   SELECT xtractr_config('payload_index', 1);
//   SELECT id FROM packets('day1.pcap', NULL, 'frame contains "User-Agent: curl"');
//   SELECT id FROM packets('day1.pcap', NULL, 'tcp.payload contains "PASS "');
//   SELECT id, service FROM flows('day1.pcap', 'stream:"secret phrase"');   -- across segments
//   SELECT id FROM packets('day1.pcap', 'password');   -- bare words: stream bytes too, any case
//
// How it works: while the index is built, each frame's bytes (the whole record, as `frame
// contains` sees them) go into the part of its flow and direction: the set of the distinct
// trigrams they hold (3 bytes, ASCII letters in lower case → a 24-bit number), plus the
// trigrams that straddle the boundary between one TCP segment's payload and the next in
// sequence order (or one UDP datagram and the next), and the list of its frames. When the
// index is complete each part is stored as a row of `payload_grams` in index.db: its frames
// (delta varints) and a one-hash Bloom filter of its trigrams, kBitsPerGram bits per distinct
// trigram, so the table stays a few per cent of the index. A needle of 3 bytes or more becomes
// its trigrams; a part whose filter has all of them gives its frames as candidates (a
// superset: the caller checks each exactly); shorter needles cannot be answered (nullopt: the
// caller scans as before). The needle is folded too: its candidates are those of all its
// spellings in upper and lower case. A part some of whose frames' bytes were not at hand is
// always a candidate (flag kIncomplete), and a TCP direction whose segments did not follow
// each other in sequence (an overlap, out of order) is always a stream candidate (kIrregular):
// its boundaries were not all seen. A part where some frame's tcp.payload or udp.payload is not
// a slice of the frame's own bytes (reassembled IP fragments, decrypted data) is marked
// kUnsliced: elsewhere a payload needle's candidates can be narrowed to the frames whose own
// bytes hold it, which the display filter reads back cheaply (display_filter.cc). Bytes
// missing from the capture only start a new run: Wireshark's follower never joins the bytes on
// both sides.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dissect/frame_record.h"

struct sqlite3;

namespace xtractr {

// The environment variable that asks the indexer (and its workers) for the payload index.
inline constexpr const char *kPayloadIndexVariable = "XTRACTR_PAYLOAD_INDEX";
bool payload_index_requested();

// Makes the dissected frame's own bytes part of the record (FrameRecord::detach copies them,
// the frame stream ships them), so the payload index can read them on the writers' thread.
void keep_frame_bytes(FrameRecord &frame);

class PayloadGramWriter {
 public:
  PayloadGramWriter();
  ~PayloadGramWriter();
  // A frame, in capture order, with its (provisional) flow and direction.
  void add(const FrameRecord &frame, uint32_t flow, int dir);
  // Writes the table into the complete, closed index database.
  void write(const std::string &index_db);

  struct Part;

 private:
  std::unordered_map<uint64_t, std::unique_ptr<Part>> parts_;  // by flow and direction
  int hf_tcp_payload_, hf_tcp_segment_, hf_tcp_seq_, hf_udp_payload_;
};

// The frames that may hold `needle` (sorted): within one frame's bytes (`across_frames` false),
// or within a flow direction's stream, across its segments (true: those parts' frames).
// nullopt when the index has no payload index or the needle is shorter than a trigram.
// `unsliced`, when given, receives those of them whose tcp.payload/udp.payload bytes may not all
// be in their own frame's bytes (or whose bytes were not at hand when indexed): for every other
// candidate, a payload holds the needle only if the frame's bytes do.
std::optional<std::vector<uint32_t>> payload_candidates(sqlite3 *index_db, std::string_view needle, bool across_frames,
                                                        std::vector<uint32_t> *unsliced = nullptr);

}  // namespace xtractr
