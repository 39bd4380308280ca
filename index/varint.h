// varint.h — unsigned LEB128 integers (7 bits a byte, low bits first), the index's compact
// integer coding: column blocks (block_codec.h), the frame lists of flows (flow_frames.h) and of
// payload index parts (payload_grams.h), the fields of frames passed between processes
// (frame_stream.h).
//
// Usage (C++):
//   std::string out;  put_varint(out, 300);                 // "\xac\x02"
//   const char *p = out.data();  uint64_t v;
//   if (!get_varint(p, out.data() + out.size(), v)) ...     // damaged: the caller names what
//
// How it works: the high bit of a byte says another follows; a value takes at most 10 bytes.
// get_varint() refuses a truncated or over-long value instead of reading past `end`.
#pragma once

#include <cstdint>
#include <string>

namespace xtractr {

inline void put_varint(std::string &out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char(v | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
}

// Reads one value at `p` (moved past it); false when the bytes end or run on too long.
inline bool get_varint(const char *&p, const char *end, uint64_t &v) {
  v = 0;
  for (int shift = 0; p < end && shift <= 63; shift += 7) {
    const uint8_t b = uint8_t(*p++);
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// Signed integers for put_varint: small magnitudes, either sign, take few bytes
// (0 → 0, -1 → 1, 1 → 2, -2 → 3 ...).
inline uint64_t zigzag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
inline int64_t unzigzag(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }

}  // namespace xtractr
