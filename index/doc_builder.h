// doc_builder.h — the hidden `doc` column of packets()/flows(): a packet or flow as one JSON
// object (not the `docs` block table, which stores the fields it is built from).
//
// A packet doc is its columns followed by every stored field, repeated fields as arrays:
//   {"id":169,"pcap":"/x/day1.pcap",...,"title":"GET / HTTP/1.1","frame.number":169,
//    "eth.src":"00:01:02:03:04:05",...,"tcp.port":[1234,80],...}
// A flow doc is its columns, plus "tcp.stream" or "udp.stream" (Wireshark's stream number).
//
// One member of a doc, without building the rest (core/doc_ref.h, the `docref` column):
//   std::string json;
//   if (builder.packet_member(member, 169, "ip.src", json, row)) ...  // "10.0.0.1" or ["10.0.0.1","10.0.0.2"]
// reads the field's column of the frame's block only, once for all the block's frames.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/sqlite_api.h"
#include "index/block_codec.h"
#include "index/capture_collection.h"
#include "index/table_columns.h"

namespace xtractr {

class DocBuilder {
 public:
  DocBuilder();
  ~DocBuilder();
  DocBuilder(const DocBuilder &) = delete;
  DocBuilder &operator=(const DocBuilder &) = delete;
  // Decode the block after each one loaded in order on a thread of its own, while the caller
  // reads this one (a scan in id order then waits for neither zstd nor the block's parse; the
  // blob is still read here: the index's connection stays on the caller's thread).
  void read_ahead() { read_ahead_ = true; }
  // `row` is a statement over the index's packets table in its column order.
  std::string packet_doc(const CollectionMember &member, sqlite3_stmt *row);
  // `row` is a statement over the index's flows table in its column order.
  static std::string flow_doc(const CollectionMember &member, sqlite3_stmt *row);
  // The raw JSON of member `name` of the doc packet_doc() / flow_doc() would build, appended to
  // `out`; false (and `out` unchanged) when the doc has no such member.
  // `row()` gives frame `local_id`'s row of the index's packets table; it is asked for only
  // when `name` is a column.
  bool packet_member(const CollectionMember &member, int64_t local_id, std::string_view name, std::string &out,
                     const std::function<sqlite3_stmt *()> &row);
  static bool flow_member(const CollectionMember &member, sqlite3_stmt *row, std::string_view name, std::string &out);

  // The stored fields of one frame (local frame number), decoding its block if needed.
  const std::vector<StoredValue> &fields(const CollectionMember &member, int64_t frame);
  // The title (Info column), src or dst of one frame (BlockTextColumn), kept in its block.
  std::string_view block_text(const CollectionMember &member, int64_t frame, int which);

 private:
  void load_block(const CollectionMember &member, int64_t frame);
  // The values of field `name` of every frame of the loaded block (by frame, in tree order),
  // decoded on first use; nullptr when no frame of the index has the field.
  const std::vector<std::vector<StoredValue>> *selected(const CollectionMember &member, std::string_view name);
  const CaptureIndex *index_ = nullptr;
  int64_t block_ = -1;
  std::unique_ptr<BlockDecoder> decoder_;
  bool read_ahead_ = false;
  struct ReadAhead;  // the thread and the block it decodes
  std::unique_ptr<ReadAhead> ahead_;
  std::vector<StoredValue> values_;
  std::vector<StoredSource> sources_;
  std::vector<std::string> source_bytes_;
  // for members read one at a time: the dictionary ids of each field name (of index
  // `names_of_`), and the loaded block's values of the names read so far
  const CaptureIndex *names_of_ = nullptr;
  std::unordered_map<std::string, std::vector<uint32_t>> field_ids_;
  std::unordered_map<std::string, std::vector<std::vector<StoredValue>>> selections_;
  std::vector<bool> wanted_;
  // the last selection asked for (a map reads the same member of doc after doc)
  std::string last_name_;
  const std::vector<std::vector<StoredValue>> *last_selection_ = nullptr;
};

// Appends a SQLite value as JSON (numbers as numbers, NULL as null, text as a string).
void json_append_sql_value(std::string &out, sqlite3_value *value);
void json_append_double(std::string &out, double value);

}  // namespace xtractr
