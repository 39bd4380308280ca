// content_hash.cc — see content_hash.h.
#include "core/content_hash.h"

#include <cstdio>
#include <cstring>

namespace xtractr {

namespace {

constexpr uint64_t kPrime1 = 11400714785074694791ull;
constexpr uint64_t kPrime2 = 14029467366897019727ull;
constexpr uint64_t kPrime3 = 1609587929392839161ull;
constexpr uint64_t kPrime4 = 9650029242287828579ull;
constexpr uint64_t kPrime5 = 2870177450012600261ull;

uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t read64(const unsigned char *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86-64, aarch64): the digests stay in one machine's index
}

uint32_t read32(const unsigned char *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint64_t lane_round(uint64_t acc, uint64_t input) { return rotl(acc + input * kPrime2, 31) * kPrime1; }

uint64_t merge(uint64_t acc, uint64_t lane) { return (acc ^ lane_round(0, lane)) * kPrime1 + kPrime4; }

}  // namespace

ContentHash::ContentHash(uint64_t seed)
    : lanes_{seed + kPrime1 + kPrime2, seed + kPrime2, seed, seed - kPrime1}, seed_(seed) {}

void ContentHash::update(const void *data, size_t size) {
  const auto *p = static_cast<const unsigned char *>(data);
  const unsigned char *end = p + size;
  total_ += size;
  if (pending_size_ + size < 32) {
    std::memcpy(pending_ + pending_size_, p, size);
    pending_size_ += size;
    return;
  }
  if (pending_size_) {
    size_t fill = 32 - pending_size_;
    std::memcpy(pending_ + pending_size_, p, fill);
    for (int i = 0; i < 4; ++i) lanes_[i] = lane_round(lanes_[i], read64(pending_ + 8 * i));
    p += fill;
    pending_size_ = 0;
  }
  // the lanes in locals: stores to members could alias the bytes read, which would keep the
  // compiler from holding them in registers (10x slower)
  uint64_t v0 = lanes_[0], v1 = lanes_[1], v2 = lanes_[2], v3 = lanes_[3];
  for (; end - p >= 32; p += 32) {
    v0 = lane_round(v0, read64(p));
    v1 = lane_round(v1, read64(p + 8));
    v2 = lane_round(v2, read64(p + 16));
    v3 = lane_round(v3, read64(p + 24));
  }
  lanes_[0] = v0;
  lanes_[1] = v1;
  lanes_[2] = v2;
  lanes_[3] = v3;
  pending_size_ = size_t(end - p);
  std::memcpy(pending_, p, pending_size_);
}

uint64_t ContentHash::digest() const {
  uint64_t h;
  if (total_ >= 32) {
    h = rotl(lanes_[0], 1) + rotl(lanes_[1], 7) + rotl(lanes_[2], 12) + rotl(lanes_[3], 18);
    for (uint64_t lane : lanes_) h = merge(h, lane);
  } else {
    h = seed_ + kPrime5;
  }
  h += total_;
  const unsigned char *p = pending_, *end = pending_ + pending_size_;
  for (; end - p >= 8; p += 8) h = rotl(h ^ lane_round(0, read64(p)), 27) * kPrime1 + kPrime4;
  if (end - p >= 4) {
    h = rotl(h ^ (uint64_t(read32(p)) * kPrime1), 23) * kPrime2 + kPrime3;
    p += 4;
  }
  for (; p < end; ++p) h = rotl(h ^ (*p * kPrime5), 11) * kPrime1;
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}

uint64_t content_hash(std::string_view bytes) {
  ContentHash h;
  h.update(bytes);
  return h.digest();
}

std::string hash_hex(uint64_t digest) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", (unsigned long long)digest);
  return text;
}

}  // namespace xtractr
