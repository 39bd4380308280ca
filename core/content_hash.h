// content_hash.h — a fast 64-bit hash of bytes (XXH64), for telling damaged or changed files
// from the ones recorded: a capture's sampled content (index/index_meta.h) and the checksums
// of an index's files (index/index_checksums.h).
//
// Usage (C++):
//
//   ContentHash h;
//   h.update(buffer, n);          // any number of times, any sizes
//   uint64_t digest = h.digest();
//
// How it works: XXH64 (Yann Collet's public algorithm, written out here: no library of the
// stack exports it) — four 64-bit lanes over 32-byte stripes, several GB/s, so checking a
// file costs about what reading it does. Not cryptographic: it finds accidents (flipped,
// truncated, rewritten bytes), not an adversary who forges a collision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace xtractr {

class ContentHash {
 public:
  explicit ContentHash(uint64_t seed = 0);
  void update(const void *data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  uint64_t digest() const;

 private:
  uint64_t lanes_[4];
  uint64_t seed_;
  uint64_t total_ = 0;
  unsigned char pending_[32];
  size_t pending_size_ = 0;
};

// The digest of one buffer.
uint64_t content_hash(std::string_view bytes);

// 16 lowercase hex digits.
std::string hash_hex(uint64_t digest);

}  // namespace xtractr
