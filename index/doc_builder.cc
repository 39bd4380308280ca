// doc_builder.cc — see doc_builder.h.
#include "index/doc_builder.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace xtractr {

namespace {

// packets statement columns 0..10; src, dst and title come from the block
const char *const kPacketKeys[] = {"id",  "offset", "length", "caplen", "time",   "flow",
                                   "dir", "sport",  "dport",  "proto",  "service"};
const char *const kFlowKeys[] = {"id",      "src",   "dst",     "sport",    "dport",       "proto",
                                 "service", "title", "packets", "bytes",    "cmsgs",       "smsgs",
                                 "first",   "last",  "time",    "duration", "community_id"};

void append_key(std::string &out, const char *key) {
  out.push_back(',');
  json_append_string(out, key);
  out.push_back(':');
}

}  // namespace

void json_append_double(std::string &out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void json_append_sql_value(std::string &out, sqlite3_value *value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      out += std::to_string(sqlite3_value_int64(value));
      break;
    case SQLITE_FLOAT:
      json_append_double(out, sqlite3_value_double(value));
      break;
    case SQLITE_NULL:
      out += "null";
      break;
    default: {
      const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
      json_append_string(out, std::string_view(text ? text : "", size_t(sqlite3_value_bytes(value))));
    }
  }
}

void DocBuilder::load_block(const CollectionMember &member, int64_t frame) {
  int64_t block = (frame - 1) / kFramesPerBlock;
  if (index_ == member.index.get() && block_ == block) return;
  index_ = nullptr;
  std::string data = member.index->block(block);
  if (data.empty())
    throw std::runtime_error("index of '" + member.index->capture() + "' lacks block " + std::to_string(block));
  decoder_.load(data);
  index_ = member.index.get();
  block_ = block;
}

std::string_view DocBuilder::block_text(const CollectionMember &member, int64_t frame, int which) {
  load_block(member, frame);
  const uint32_t n = uint32_t((frame - 1) % kFramesPerBlock);
  switch (which) {
    case kBlockSrc:
      return decoder_.src(n);
    case kBlockDst:
      return decoder_.dst(n);
    default:
      return decoder_.title(n);
  }
}

const std::vector<StoredValue> &DocBuilder::fields(const CollectionMember &member, int64_t frame) {
  load_block(member, frame);
  decoder_.frame(uint32_t((frame - 1) % kFramesPerBlock), member.index->dictionary(), values_, sources_);
  auto read = [](void *context, uint32_t n) { return static_cast<const CaptureIndex *>(context)->frame_bytes(n); };
  resolve_references(values_, sources_, uint32_t(frame), read, const_cast<CaptureIndex *>(member.index.get()),
                     source_bytes_);
  return values_;
}

std::string DocBuilder::packet_doc(const CollectionMember &member, sqlite3_stmt *row) {
  std::string out;
  out.reserve(4096);
  int64_t local_id = sqlite3_column_int64(row, 0);
  out += "{\"id\":" + std::to_string(member.id_base + local_id);
  append_key(out, "pcap");
  json_append_string(out, member.index->capture());
  for (int col = 1; col < int(sizeof kPacketKeys / sizeof *kPacketKeys); ++col) {
    append_key(out, kPacketKeys[col]);
    if (col == 5)
      out += std::to_string(member.flow_base + sqlite3_column_int64(row, col));
    else
      json_append_sql_value(out, sqlite3_column_value(row, col));
    if (col == 6) {  // the block's columns go where the table has them: after dir
      append_key(out, "src");
      json_append_string(out, block_text(member, local_id, kBlockSrc));
      append_key(out, "dst");
      json_append_string(out, block_text(member, local_id, kBlockDst));
    }
  }
  append_key(out, "title");
  json_append_string(out, block_text(member, local_id, kBlockTitle));
  json_append_fields(out, fields(member, local_id), member.index->dictionary());
  out.push_back('}');
  return out;
}

std::string DocBuilder::flow_doc(const CollectionMember &member, sqlite3_stmt *row) {
  std::string out;
  out += "{\"id\":" + std::to_string(member.flow_base + sqlite3_column_int64(row, 0));
  append_key(out, "pcap");
  json_append_string(out, member.index->capture());
  for (int col = 1; col < int(sizeof kFlowKeys / sizeof *kFlowKeys); ++col) {
    append_key(out, kFlowKeys[col]);
    if (col == 12 || col == 13)
      out += std::to_string(member.id_base + sqlite3_column_int64(row, col));
    else
      json_append_sql_value(out, sqlite3_column_value(row, col));
  }
  // Wireshark's own stream number, to go from a flow to `tcp.stream == N` and back
  for (int col : {17, 18}) {
    if (sqlite3_column_type(row, col) == SQLITE_NULL) continue;
    append_key(out, col == 17 ? "tcp.stream" : "udp.stream");
    out += std::to_string(sqlite3_column_int64(row, col));
  }
  out.push_back('}');
  return out;
}

}  // namespace xtractr
