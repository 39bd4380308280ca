// block_codec_test.cc — FrameRecords encoded into a block, decoded back, and written as the
// `doc` column's JSON (index/block_codec.h).
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "index/block_codec.h"

using namespace xtractr;

namespace {

// Stand-in for the dissection layer's field registry: hf ids 1.. map to these names.
DictionaryEntry test_field(int hf_id) {
  static const std::map<int, std::string> names = {{1, "frame.number"}, {2, "ip.ttl"},           {3, "http.host"},
                                                   {4, "tcp.payload"},  {5, "frame.time_delta"}, {6, "tcp.analysis"},
                                                   {7, "tcp.port"},     {8, "tcp.segment_data"}, {9, "data.data"},
                                                   {10, "neg"},         {11, "tcp.option_kind"}};
  auto it = names.find(hf_id);
  return DictionaryEntry{it == names.end() ? "unknown" : it->second, ValueKind::Text};
}

void add_integer(FrameRecord &r, int hf, int64_t value) {
  r.fields.push_back(FieldValue{hf, ValueKind::Integer, value, 0, 0});
}

void add_text(FrameRecord &r, int hf, ValueKind kind, const std::string &text) {
  r.fields.push_back(FieldValue{hf, kind, 0, uint32_t(r.arena.size()), uint32_t(text.size())});
  r.arena += text;
}

void add_present(FrameRecord &r, int hf) { r.fields.push_back(FieldValue{hf, ValueKind::Present, 1, 0, 0}); }

// The capture's records, as RecordBytes reads them back.
struct Records {
  std::map<uint32_t, std::string> by_frame;
};
std::string read_record(void *context, uint32_t frame) {
  auto &records = static_cast<Records *>(context)->by_frame;
  auto it = records.find(frame);
  if (it == records.end()) throw std::runtime_error("no such frame");
  return it->second;
}

std::string doc_of(const std::vector<StoredValue> &values, const std::vector<DictionaryEntry> &dictionary) {
  std::string out = "{\"id\":0";
  json_append_fields(out, values, dictionary);
  out.push_back('}');
  return out;
}

}  // namespace

TEST_CASE("values of every kind survive a block round trip and print as tshark's values", "[block_codec]") {
  BlockEncoder encoder(test_field);
  FrameRecord a;
  a.number = 1;
  add_integer(a, 1, 1);
  add_integer(a, 2, 64);
  add_text(a, 3, ValueKind::Text, "example.org \"quoted\"\r\n\x01");
  add_text(a, 4, ValueKind::Bytes, std::string("\x00\xff\x10", 3));
  add_text(a, 5, ValueKind::NumberText, "0.000149000");
  add_present(a, 6);
  add_integer(a, 7, 59856);
  add_integer(a, 7, 80);
  add_integer(a, 10, -9223372036854775807LL - 1);
  add_text(a, 5, ValueKind::NumberText, "inf");  // not a JSON number: kept as a string
  encoder.add(a);

  FrameRecord b;
  b.number = 2;
  add_integer(b, 1, 2);
  add_integer(b, 10, 9223372036854775807LL);
  add_text(b, 3, ValueKind::Text, "");
  encoder.add(b);
  CHECK(encoder.frames() == 2);

  std::string block = encoder.take();
  CHECK(encoder.frames() == 0);
  const auto dictionary = encoder.dictionary();

  BlockDecoder decoder;
  decoder.load(block);
  REQUIRE(decoder.frames() == 2);
  std::vector<StoredValue> values;
  std::vector<StoredSource> sources;

  decoder.frame(0, dictionary, values, sources);
  REQUIRE(values.size() == a.fields.size());
  CHECK(dictionary[values[0].id].name == "frame.number");
  CHECK(values[0].integer == 1);
  CHECK(values[2].bytes == "example.org \"quoted\"\r\n\x01");
  CHECK(values[3].kind == ValueKind::Bytes);
  CHECK(values[3].bytes == std::string("\x00\xff\x10", 3));
  CHECK(values[8].integer == -9223372036854775807LL - 1);
  CHECK(doc_of(values, dictionary) ==
        "{\"id\":0,\"frame.number\":1,\"ip.ttl\":64,\"http.host\":\"example.org \\\"quoted\\\"\\r\\n\\u0001\","
        "\"tcp.payload\":\"00ff10\",\"frame.time_delta\":[0.000149000,\"inf\"],\"tcp.analysis\":1,"
        "\"tcp.port\":[59856,80],\"neg\":-9223372036854775808}");

  decoder.frame(1, dictionary, values, sources);
  REQUIRE(values.size() == 3);
  CHECK(doc_of(values, dictionary) == "{\"id\":0,\"frame.number\":2,\"neg\":9223372036854775807,\"http.host\":\"\"}");

  decoder.frame(2, dictionary, values, sources);  // past the end: nothing
  CHECK(values.empty());
}

TEST_CASE("a field name seen with two kinds gets two dictionary entries but one JSON member", "[block_codec]") {
  BlockEncoder encoder(test_field);
  FrameRecord a;
  add_text(a, 9, ValueKind::Bytes, "\x01\x02");
  add_text(a, 9, ValueKind::Text, "not hex");  // the dissector's fallback when bytes are not hex
  encoder.add(a);
  std::string block = encoder.take();
  const auto dictionary = encoder.dictionary();
  REQUIRE(dictionary.size() == 2);
  CHECK(dictionary[0].name == dictionary[1].name);
  BlockDecoder decoder;
  decoder.load(block);
  std::vector<StoredValue> values;
  std::vector<StoredSource> sources;
  decoder.frame(0, dictionary, values, sources);
  CHECK(doc_of(values, dictionary) == "{\"id\":0,\"data.data\":[\"0102\",\"not hex\"]}");
}

TEST_CASE("byte fields stored as references are read back from the capture's records", "[block_codec]") {
  Records records;
  records.by_frame[1] = "AAAAhello";
  records.by_frame[2] = "BBBB, world";
  records.by_frame[3] = "CCCCGET / HTTP/1.1";

  BlockEncoder encoder(test_field);
  FrameRecord f;
  f.number = 3;
  const std::string own = records.by_frame[3];
  const std::string raw_bytes = "raw source";
  DataSource frame_source;
  frame_source.data = reinterpret_cast<const uint8_t *>(own.data());
  frame_source.length = uint32_t(own.size());
  frame_source.is_frame = true;
  frame_source.referenced = true;
  DataSource reassembled;  // "hello, world" from frames 1 and 2
  const std::string joined = "hello, world";
  reassembled.data = reinterpret_cast<const uint8_t *>(joined.data());
  reassembled.length = uint32_t(joined.size());
  reassembled.referenced = true;
  reassembled.pieces = {Piece{1, 4, 5}, Piece{2, 4, 7}};
  DataSource raw;
  raw.data = reinterpret_cast<const uint8_t *>(raw_bytes.data());
  raw.length = uint32_t(raw_bytes.size());
  raw.referenced = true;
  DataSource unused;
  f.sources = {frame_source, reassembled, raw, unused};
  FieldValue payload{4, ValueKind::Bytes, 0, 4, 3, 0};  // "GET" of the frame's own record
  FieldValue segment{8, ValueKind::Bytes, 0, 7, 5, 1};  // "world" of the reassembly
  FieldValue whole{8, ValueKind::Bytes, 0, 0, 12, 1};   // all of it
  FieldValue rawref{9, ValueKind::Bytes, 0, 4, 6, 2};   // "source"
  f.fields = {payload, segment, whole, rawref};
  add_integer(f, 1, 3);
  encoder.add(f);

  BlockDecoder decoder;
  decoder.load(encoder.take());
  std::vector<StoredValue> values;
  std::vector<StoredSource> sources;
  decoder.frame(0, encoder.dictionary(), values, sources);
  REQUIRE(sources.size() == 4);
  CHECK(sources[0].type == StoredSource::Frame);
  CHECK(sources[1].type == StoredSource::Pieces);
  CHECK(sources[2].type == StoredSource::Raw);
  CHECK(sources[3].type == StoredSource::Unused);
  REQUIRE(values.size() == 5);
  CHECK(values[0].source == 0);

  std::vector<std::string> storage;
  resolve_references(values, sources, 3, read_record, &records, storage);
  CHECK(values[0].bytes == "GET");
  CHECK(values[1].bytes == "world");
  CHECK(values[2].bytes == "hello, world");
  CHECK(values[3].bytes == "source");
  CHECK(doc_of(values, encoder.dictionary()) ==
        "{\"id\":0,\"tcp.payload\":\"474554\",\"tcp.segment_data\":[\"776f726c64\",\"68656c6c6f2c20776f726c64\"],"
        "\"data.data\":\"736f75726365\",\"frame.number\":3}");

  // a capture that no longer holds the bytes is an error, not a silently short value
  records.by_frame[2] = "BB";
  decoder.frame(0, encoder.dictionary(), values, sources);
  CHECK_THROWS_AS(resolve_references(values, sources, 3, read_record, &records, storage), std::runtime_error);
}

TEST_CASE("damaged blocks are errors not crashes", "[block_codec]") {
  BlockEncoder encoder(test_field);
  FrameRecord a;
  add_integer(a, 1, 1);
  add_text(a, 3, ValueKind::Text, "host");
  encoder.add(a);
  std::string block = encoder.take();
  BlockDecoder decoder;
  CHECK_THROWS_AS(decoder.load(""), std::runtime_error);
  CHECK_THROWS_AS(decoder.load(block.substr(0, 7)), std::runtime_error);
  CHECK_THROWS_AS(decoder.load(block.substr(0, block.size() - 3)), std::runtime_error);
  std::string wrong_size = block;
  wrong_size[0] = char(wrong_size[0] + 1);
  CHECK_THROWS_AS(decoder.load(wrong_size), std::runtime_error);
  wrong_size[0] = char(block[0] - 1);
  CHECK_THROWS_AS(decoder.load(wrong_size), std::runtime_error);
  // a size of 8 GiB for a frame of a few bytes: an error, not an allocation of the size the
  // block claims (fuzz_block found it; tests/fuzz/corpus/block/regress-size-8GiB)
  std::string huge_size = block;
  const uint64_t huge = uint64_t(1) << 33;
  std::memcpy(&huge_size[0], &huge, 8);
  CHECK_THROWS_AS(decoder.load(huge_size), std::runtime_error);
  // a dictionary that lacks the block's ids
  decoder.load(block);
  std::vector<StoredValue> values;
  std::vector<StoredSource> sources;
  std::vector<DictionaryEntry> short_dictionary = {encoder.dictionary()[0]};
  CHECK_THROWS_AS(decoder.frame(0, short_dictionary, values, sources), std::runtime_error);
}

TEST_CASE("select decodes only the chosen fields, as frame() has them", "[block_codec]") {
  BlockEncoder encoder(test_field);
  for (uint32_t n = 1; n <= 40; ++n) {
    FrameRecord r;
    r.number = n;
    add_integer(r, 1, n);
    if (n % 3) add_text(r, 3, ValueKind::Text, "host" + std::to_string(n % 7) + ".example.org");
    add_integer(r, 7, 1000 + n);
    add_integer(r, 7, 80);
    if (n % 5 == 0) add_text(r, 5, ValueKind::NumberText, "0.00" + std::to_string(n));
    if (n % 4 == 0) add_present(r, 6);
    encoder.add(r);
  }
  const auto dictionary = encoder.dictionary();
  BlockDecoder decoder;
  decoder.load(encoder.take());
  std::vector<bool> wanted(dictionary.size());
  for (size_t id = 0; id < dictionary.size(); ++id)
    wanted[id] = dictionary[id].name == "http.host" || dictionary[id].name == "tcp.port" ||
                 dictionary[id].name == "frame.time_delta";
  const auto selected = decoder.select(dictionary, wanted);
  REQUIRE(selected.size() == 40);
  std::vector<StoredValue> values;
  std::vector<StoredSource> sources;
  for (uint32_t n = 0; n < 40; ++n) {
    decoder.frame(n, dictionary, values, sources);
    std::vector<StoredValue> expected;
    for (const StoredValue &v : values)
      if (wanted[v.id]) expected.push_back(v);
    CHECK(doc_of(selected[n], dictionary) == doc_of(expected, dictionary));
  }
  CHECK(doc_of(selected[9], dictionary) ==
        "{\"id\":0,\"http.host\":\"host3.example.org\",\"tcp.port\":[1010,80],\"frame.time_delta\":0.0010}");
}
