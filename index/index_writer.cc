// index_writer.cc — see index_writer.h.
#include "index/index_writer.h"

#include "index/flow_frames.h"
#include "index/table_columns.h"

namespace xtractr {

namespace {

const char kOtherTables[] = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE dictionary(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind INTEGER NOT NULL);
CREATE TABLE docs(block INTEGER PRIMARY KEY, data BLOB NOT NULL);
)sql";

Database create_database(const std::string &path) {
  Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA page_size=8192;");
  db.exec(kOtherTables + index_table_schema(packet_columns()) + index_table_schema(flow_columns()));
  db.exec("BEGIN");
  return db;
}

// Binds `value` to the parameter of registry column `column` of table `t`.
template <typename T>
void bind_column(Statement &s, const TableColumns &t, int column, T value) {
  s.bind(stored_parameter(t, column), value);
}

}  // namespace

IndexWriter::IndexWriter(const std::string &path)
    : db_(create_database(path)),
      insert_packet_(db_.get(), index_insert_sql(packet_columns())),
      insert_block_(db_.get(), "INSERT INTO docs VALUES(?1,?2)"),
      move_packet_(db_.get(), "UPDATE packets SET flow = ?1, dir = ?2, tunnel = ?3 WHERE id = ?4") {}

void IndexWriter::add_packet(const FrameRecord &frame, const FlowClassifier::Assignment &where) {
  const TableColumns &t = packet_columns();
  Statement &s = insert_packet_;
  bind_column(s, t, PKT_ID, int64_t(frame.number));
  bind_column(s, t, PKT_OFFSET, frame.file_offset);
  bind_column(s, t, PKT_LENGTH, int64_t(frame.length));
  // NULL when the frame was captured whole (nearly always): read back as length (table_columns.cc)
  if (frame.caplen != frame.length) bind_column(s, t, PKT_CAPLEN, int64_t(frame.caplen));
  bind_column(s, t, PKT_TIME, frame.time());
  bind_column(s, t, PKT_FLOW, int64_t(where.flow));
  bind_column(s, t, PKT_DIR, int64_t(where.dir));
  if (where.tunnel) bind_column(s, t, PKT_TUNNEL, int64_t(where.tunnel));
  if (frame.has_ports) {
    bind_column(s, t, PKT_SPORT, int64_t(frame.sport));
    bind_column(s, t, PKT_DPORT, int64_t(frame.dport));
  }
  if (frame.ip_proto >= 0) bind_column(s, t, PKT_PROTO, int64_t(frame.ip_proto));
  bind_column(s, t, PKT_SERVICE, std::string_view(frame.service));
  s.run();
}

void IndexWriter::move_packets(const std::vector<FlowClassifier::Move> &moves) {
  for (const FlowClassifier::Move &move : moves) {
    move_packet_.bind(1, int64_t(move.flow));
    move_packet_.bind(2, int64_t(move.dir));
    if (move.tunnel)
      move_packet_.bind(3, int64_t(move.tunnel));
    else
      move_packet_.bind_null(3);
    move_packet_.bind(4, int64_t(move.frame));
    move_packet_.run();
  }
}

void IndexWriter::add_block(const std::string &data) {
  insert_block_.bind(1, blocks_++);
  insert_block_.bind_blob(2, data);
  insert_block_.run();
}

// Flow ids were provisional: flows emptied by reassembly are gone, the rest are numbered by
// first frame. Renumber the packets only when something changed.
void IndexWriter::renumber_flows(const std::vector<uint32_t> &final_id) {
  bool renumbered = false;
  for (size_t id = 1; id < final_id.size(); ++id) renumbered |= final_id[id] != id;
  if (!renumbered) return;
  db_.exec("CREATE TEMP TABLE flow_ids(provisional INTEGER PRIMARY KEY, final INTEGER)");
  Statement map(db_.get(), "INSERT INTO flow_ids VALUES(?1, ?2)");
  for (size_t id = 1; id < final_id.size(); ++id) {
    map.bind(1, int64_t(id));
    map.bind(2, int64_t(final_id[id]));
    map.run();
  }
  db_.exec(
      "UPDATE packets SET flow = (SELECT final FROM flow_ids WHERE provisional = packets.flow),"
      " tunnel = (SELECT final FROM flow_ids WHERE provisional = packets.tunnel)");
}

void IndexWriter::finish_flows(FlowClassifier &flows) {
  renumber_flows(flows.finish());
  const TableColumns &t = flow_columns();
  Statement s(db_.get(), index_insert_sql(t));
  for (const Flow &f : flows.flows()) {
    bind_column(s, t, FLOW_ID, int64_t(f.id));
    bind_column(s, t, FLOW_SRC, std::string_view(f.src));
    bind_column(s, t, FLOW_DST, std::string_view(f.dst));
    if (f.has_ports) {
      bind_column(s, t, FLOW_SPORT, int64_t(f.sport));
      bind_column(s, t, FLOW_DPORT, int64_t(f.dport));
    }
    if (f.proto >= 0) bind_column(s, t, FLOW_PROTO, int64_t(f.proto));
    bind_column(s, t, FLOW_SERVICE, std::string_view(f.service));
    bind_column(s, t, FLOW_TITLE, std::string_view(f.title));
    bind_column(s, t, FLOW_PACKETS, int64_t(f.packets));
    bind_column(s, t, FLOW_BYTES, int64_t(f.bytes));
    bind_column(s, t, FLOW_CMSGS, int64_t(f.cmsgs));
    bind_column(s, t, FLOW_SMSGS, int64_t(f.smsgs));
    bind_column(s, t, FLOW_FIRST, int64_t(f.first));
    bind_column(s, t, FLOW_LAST, int64_t(f.last));
    bind_column(s, t, FLOW_TIME, f.time());
    bind_column(s, t, FLOW_DURATION, f.duration());
    if (!f.community_id.empty()) bind_column(s, t, FLOW_COMMUNITY_ID, std::string_view(f.community_id));
    if (f.tunnel) bind_column(s, t, FLOW_TUNNEL, int64_t(f.tunnel));
    if (f.tcp_stream >= 0) bind_column(s, t, FLOW_TCP_STREAM, f.tcp_stream);
    if (f.udp_stream >= 0) bind_column(s, t, FLOW_UDP_STREAM, f.udp_stream);
    s.run();
  }
}

void IndexWriter::finish(const std::vector<DictionaryEntry> &dictionary, const IndexMeta &meta) {
  Statement insert_word(db_.get(), "INSERT INTO dictionary VALUES(?1,?2,?3)");
  for (size_t i = 0; i < dictionary.size(); ++i) {
    insert_word.bind(1, int64_t(i));
    insert_word.bind(2, std::string_view(dictionary[i].name));
    insert_word.bind(3, int64_t(dictionary[i].kind));
    insert_word.run();
  }
  write_meta(db_, meta);
  // tunnels are rare: the frames of a tunnel flow are found through a partial index
  db_.exec("CREATE INDEX packets_by_tunnel ON packets(tunnel) WHERE tunnel IS NOT NULL;");
  // a flow's frames: a delta-coded list per flow, not an index over packets.flow
  write_flow_frames(db_);
  // frames in time order: a time range is an id range (capture_tables.cc, narrow_to_times)
  if (!meta.summary.time_sorted) db_.exec("CREATE INDEX packets_by_time ON packets(time);");
  db_.exec("COMMIT");
}

}  // namespace xtractr
