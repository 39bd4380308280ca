// content_hash_test.cc — ContentHash is XXH64: the reference digests, whatever the pieces.
#include <catch2/catch.hpp>

#include "core/content_hash.h"

using namespace xtractr;

TEST_CASE("content_hash gives XXH64's reference digests", "[content_hash]") {
  CHECK(hash_hex(content_hash("")) == "ef46db3751d8e999");
  CHECK(hash_hex(content_hash("a")) == "d24ec4f1a98c6e5b");
  CHECK(hash_hex(content_hash("abc")) == "44bc2cf5ad770999");
}

TEST_CASE("content_hash does not depend on how the bytes are split", "[content_hash]") {
  std::string bytes(100003, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 7 + (i >> 8));
  for (size_t piece : {1, 13, 32, 33, 4096}) {
    ContentHash h;
    for (size_t at = 0; at < bytes.size(); at += piece) h.update(bytes.data() + at, std::min(piece, bytes.size() - at));
    CHECK(h.digest() == content_hash(bytes));
  }
  std::string flipped = bytes;
  flipped[77777] ^= 1;
  CHECK(content_hash(flipped) != content_hash(bytes));
}
