// index_writer.h — writes one index.db: packet rows, field blocks, flows, dictionary, meta.
//
// Usage (C++):
//
//   IndexWriter out(directory + "/index.db");
//   out.add_packet(frame, where);          // per frame, in frame order
//   out.add_block(encoder.take());         // every kFramesPerBlock frames
//   out.finish_flows(flows);               // renumbered flow ids, the flows table
//   out.finish(encoder.dictionary(), meta);
//
// How it works: the schema of the packets and flows tables comes from the column registry
// (table_columns.h). The whole database is written in one transaction with journalling off:
// it is private until the builder renames its directory into place. Secondary indexes are
// created last, when the rows are in.
#pragma once

#include <string>
#include <vector>

#include "core/sqlite_handles.h"
#include "dissect/flow_classifier.h"
#include "dissect/frame_record.h"
#include "index/block_codec.h"
#include "index/index_meta.h"

namespace xtractr {

class IndexWriter {
 public:
  explicit IndexWriter(const std::string &path);

  void add_packet(const FrameRecord &frame, const FlowClassifier::Assignment &where);
  // Earlier frames whose flow changed (FlowClassifier::take_moves()).
  void move_packets(const std::vector<FlowClassifier::Move> &moves);
  void add_block(const std::string &data);
  // Applies FlowClassifier::finish()'s renumbering to the packets and writes the flows table.
  void finish_flows(FlowClassifier &flows);
  // The dictionary, the meta facts and the secondary indexes; commits.
  void finish(const std::vector<DictionaryEntry> &dictionary, const IndexMeta &meta);

 private:
  void renumber_flows(const std::vector<uint32_t> &final_id);

  Database db_;
  Statement insert_packet_, insert_block_, move_packet_;
  int64_t blocks_ = 0;
};

}  // namespace xtractr
