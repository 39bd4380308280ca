// fuzz_block.cc — libFuzzer target: the block decoder (index/block_codec.h), which reads the
// `docs` blocks of index.db back into a frame's fields.
//
// Usage: build-fuzz/tests/fuzz/fuzz_block -max_total_time=600 CORPUS_COPY tests/fuzz/corpus/block
//        (seeds: blocks of real indexes, tests/fuzz/make_block_seeds.py)
//
// How it works: an input is a dictionary and a block: a flags byte, N (2 bytes, little-endian),
// N bytes of value kinds (ValueKind, mod 5; entry i is named "f<i>"), then the block's
// uncompressed layout, which the target compresses and prefixes with its size as the index
// stores it — so the fuzzer mutates the layout, not zstd's bytes. With the flags' low bit set,
// the rest is taken as the stored block itself (size prefix and zstd frame, damage included). Each frame is decoded
// (frame(), its references resolved against a 64-byte record, written as the `doc` JSON),
// and every field selected (select()). std::runtime_error ("damaged index block ...") is the
// right answer to damage; a crash, a sanitizer report or an unbounded allocation is a finding.
#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "index/block_codec.h"

namespace {

std::string record_bytes(void *, uint32_t frame) { return std::string(64, char('a' + frame % 26)); }

void decode_all(std::string_view stored, const std::vector<xtractr::DictionaryEntry> &dictionary) {
  xtractr::BlockDecoder decoder;
  decoder.load(stored);
  std::vector<xtractr::StoredValue> values;
  std::vector<xtractr::StoredSource> sources;
  std::vector<std::string> storage;
  for (uint32_t n = 0; n < decoder.frames(); ++n) {
    decoder.title(n);
    decoder.src(n);
    decoder.dst(n);
    decoder.frame(n, dictionary, values, sources);
    xtractr::resolve_references(values, sources, n + 1, record_bytes, nullptr, storage);
    std::string json = "{";
    xtractr::json_append_fields(json, values, dictionary);
    for (const auto &value : values) xtractr::stored_value_text(value);
  }
  decoder.select(dictionary, std::vector<bool>(dictionary.size(), true));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  const bool stored_as_is = data[0] & 1;
  const size_t entries = data[1] | size_t(data[2]) << 8;
  if (size < 3 + entries) return 0;
  std::vector<xtractr::DictionaryEntry> dictionary;
  for (size_t i = 0; i < entries; ++i)
    dictionary.push_back({"f" + std::to_string(i), xtractr::ValueKind(data[3 + i] % 5)});
  const char *rest = reinterpret_cast<const char *>(data + 3 + entries);
  const size_t rest_size = size - 3 - entries;
  std::string stored;
  if (stored_as_is) {
    stored.assign(rest, rest_size);
  } else {
    const uint64_t raw_size = rest_size;
    stored.resize(8 + ZSTD_compressBound(rest_size));
    std::memcpy(&stored[0], &raw_size, 8);
    size_t n = ZSTD_compress(&stored[8], stored.size() - 8, rest, rest_size, 1);
    if (ZSTD_isError(n)) __builtin_trap();
    stored.resize(8 + n);
  }
  try {
    decode_all(stored, dictionary);
  } catch (const std::runtime_error &) {
  }
  return 0;
}
