// doc_builder.cc — see doc_builder.h.
#include "index/doc_builder.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace xtractr {

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

// The columns of a row as doc keys, in the registry's order (table_columns.h); `text` gives a
// BlockText column's value.
template <typename BlockText>
void append_columns(std::string &out, const TableColumns &t, const CollectionMember &member, sqlite3_stmt *row,
                    BlockText &&text) {
  for (size_t c = 0; c < t.count; ++c) {
    const ColumnDef &def = t.defs[c];
    const int col = stored_column(t, int(c));
    if (def.origin == ColumnOrigin::Internal && sqlite3_column_type(row, col) == SQLITE_NULL) continue;
    if (c > 0) out.push_back(',');
    json_append_string(out, def.origin == ColumnOrigin::Internal ? def.doc_key : def.name);
    out.push_back(':');
    switch (def.origin) {
      case ColumnOrigin::Stored:
      case ColumnOrigin::Internal:
        json_append_sql_value(out, sqlite3_column_value(row, col));
        break;
      case ColumnOrigin::PacketId:
        out += std::to_string(member.id_base + sqlite3_column_int64(row, col));
        break;
      case ColumnOrigin::FlowId:
        out += std::to_string(member.flow_base + sqlite3_column_int64(row, col));
        break;
      case ColumnOrigin::Pcap:
        json_append_string(out, member.index->capture());
        break;
      case ColumnOrigin::BlockText:
        json_append_string(out, text(def.block_text));
        break;
    }
  }
}

std::string DocBuilder::packet_doc(const CollectionMember &member, sqlite3_stmt *row) {
  std::string out;
  out.reserve(4096);
  const int64_t local_id = sqlite3_column_int64(row, stored_column(packet_columns(), PKT_ID));
  out.push_back('{');
  append_columns(out, packet_columns(), member, row, [&](int which) { return block_text(member, local_id, which); });
  json_append_fields(out, fields(member, local_id), member.index->dictionary());
  out.push_back('}');
  return out;
}

std::string DocBuilder::flow_doc(const CollectionMember &member, sqlite3_stmt *row) {
  std::string out = "{";
  // tcp_stream / udp_stream (Internal): Wireshark's own stream number, to go from a flow to
  // `tcp.stream == N` and back
  append_columns(out, flow_columns(), member, row, [](int) { return std::string_view(); });
  out.push_back('}');
  return out;
}

}  // namespace xtractr
