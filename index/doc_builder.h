// doc_builder.h — the hidden `doc` column of packets()/flows(): a packet or flow as one JSON
// object (not the `docs` block table, which stores the fields it is built from).
//
// A packet doc is its columns followed by every stored field, repeated fields as arrays:
//   {"id":169,"pcap":"/x/day1.pcap",...,"title":"GET / HTTP/1.1","frame.number":169,
//    "eth.src":"00:01:02:03:04:05",...,"tcp.port":[1234,80],...}
// A flow doc is its columns, plus "tcp.stream" or "udp.stream" (Wireshark's stream number).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/sqlite_api.h"
#include "index/block_codec.h"
#include "index/capture_collection.h"
#include "index/table_columns.h"

namespace xtractr {

class DocBuilder {
 public:
  // `row` is a statement over the index's packets table in its column order.
  std::string packet_doc(const CollectionMember &member, sqlite3_stmt *row);
  // `row` is a statement over the index's flows table in its column order.
  static std::string flow_doc(const CollectionMember &member, sqlite3_stmt *row);

  // The stored fields of one frame (local frame number), decoding its block if needed.
  const std::vector<StoredValue> &fields(const CollectionMember &member, int64_t frame);
  // The title (Info column), src or dst of one frame (BlockTextColumn), kept in its block.
  std::string_view block_text(const CollectionMember &member, int64_t frame, int which);

 private:
  void load_block(const CollectionMember &member, int64_t frame);
  const CaptureIndex *index_ = nullptr;
  int64_t block_ = -1;
  BlockDecoder decoder_;
  std::vector<StoredValue> values_;
  std::vector<StoredSource> sources_;
  std::vector<std::string> source_bytes_;
};

// Appends a SQLite value as JSON (numbers as numbers, NULL as null, text as a string).
void json_append_sql_value(std::string &out, sqlite3_value *value);
void json_append_double(std::string &out, double value);

}  // namespace xtractr
