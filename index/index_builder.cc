// index_builder.cc — build_index(): one pass over a capture into a new index directory.
//
// How it works: read each record with wiretap, dissect it (FrameDissector), assign it to a
// flow (FlowClassifier), insert its summary row and append its fields to the current block;
// every kFramesPerBlock frames the block is compressed and stored. Flows, the dictionary
// and the meta facts are written last, then the secondary indexes. The whole database is
// written in one transaction with journalling off: it is private until renamed into place.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/interruption.h"
#include "core/sql_error.h"
#include "dissect/capture_reader.h"
#include "dissect/flow_classifier.h"
#include "dissect/frame_dissector.h"
#include "dissect/wireshark_runtime.h"
#include "index/capture_index.h"
#include "index/index_location.h"
#include "index/search_index_writer.h"

namespace xtractr {

namespace {

const char *kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE dictionary(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind INTEGER NOT NULL);
CREATE TABLE packets(id INTEGER PRIMARY KEY, offset INTEGER, length INTEGER, caplen INTEGER,
  time REAL, flow INTEGER, dir INTEGER, sport INTEGER, dport INTEGER, proto INTEGER, service TEXT);
CREATE TABLE docs(block INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE flows(id INTEGER PRIMARY KEY, src TEXT, dst TEXT, sport INTEGER, dport INTEGER,
  proto INTEGER, service TEXT, title TEXT, packets INTEGER, bytes INTEGER, cmsgs INTEGER,
  smsgs INTEGER, first INTEGER, last INTEGER, time REAL, duration REAL, community_id TEXT,
  tcp_stream INTEGER, udp_stream INTEGER);
)sql";

DictionaryEntry dictionary_entry(int hf_id) { return DictionaryEntry{field_name(hf_id), field_kind(hf_id)}; }

// Progress on stderr, only when a person is watching it.
class Progress {
 public:
  Progress(const std::string &capture, int64_t size) : capture_(capture), size_(size), enabled_(isatty(2)) {}
  void update(int64_t frames, int64_t offset) {
    if (!enabled_ || (frames & 1023)) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    double percent = size_ > 0 ? std::min(100.0, 100.0 * double(offset) / double(size_)) : 0;
    std::fprintf(stderr, "\rxtractr: indexing %s: %lld frames (%.0f%%)", capture_.c_str(), (long long)frames, percent);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::string capture_;
  int64_t size_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

std::string join_lines(const std::vector<std::string> &lines) {
  std::string out;
  for (const auto &l : lines) out += l + "\n";
  return out;
}

}  // namespace

IndexSummary build_index(const std::string &capture, const std::string &directory) {
  auto started = std::chrono::steady_clock::now();
  struct stat st;
  if (stat(capture.c_str(), &st) != 0) throw UserError("cannot open capture '" + capture + "'");

  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  CaptureReader reader(capture);  // throws CaptureOpenError before anything is written

  IndexSummary summary;
  summary.capture = capture;
  summary.format = reader.format();
  summary.compression = reader.compression();

  make_directories(directory);
  Database db(directory + "/index.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA page_size=8192;");
  db.exec(kSchema);
  db.exec("BEGIN");
  Statement insert_packet(db.get(), "INSERT INTO packets VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  Statement insert_block(db.get(), "INSERT INTO docs VALUES(?1,?2)");
  Statement move_packet(db.get(), "UPDATE packets SET flow = ?1, dir = ?2 WHERE id = ?3");

  FrameDissector dissector(reader);
  FlowClassifier flows;
  BlockEncoder encoder(dictionary_entry);
  SearchIndexWriter search(directory + "/search");  // Xapian, same pass (search/search_terms.h)
  FrameRecord frame;
  std::set<std::string> link_types;
  Progress progress(capture, int64_t(st.st_size));
  int64_t block = 0;

  auto flush_block = [&] {
    insert_block.bind(1, block++);
    insert_block.bind_blob(2, encoder.take());
    insert_block.run();
  };

  while (dissector.next(frame)) {
    const wtap_rec &rec = reader.record();
    if (rec.rec_type == REC_TYPE_PACKET) link_types.insert(encapsulation_name(rec.rec_header.packet_header.pkt_encap));
    FlowClassifier::Assignment where = flows.add(frame);
    for (const FlowClassifier::Move &move : flows.take_moves()) {
      move_packet.bind(1, int64_t(move.flow));
      move_packet.bind(2, int64_t(move.dir));
      move_packet.bind(3, int64_t(move.frame));
      move_packet.run();
    }

    Statement &s = insert_packet;
    s.bind(1, int64_t(frame.number));
    s.bind(2, frame.file_offset);
    s.bind(3, int64_t(frame.length));
    s.bind(4, int64_t(frame.caplen));
    s.bind(5, frame.time());
    s.bind(6, int64_t(where.flow));
    s.bind(7, int64_t(where.dir));
    if (frame.has_ports) {
      s.bind(8, int64_t(frame.sport));
      s.bind(9, int64_t(frame.dport));
    }
    if (frame.ip_proto >= 0) s.bind(10, int64_t(frame.ip_proto));
    s.bind(11, std::string_view(frame.service));
    s.run();

    encoder.add(frame);
    search.add(frame);
    if (encoder.frames() == kFramesPerBlock) {
      flush_block();
      // Ctrl-C in the shell: the caller removes our directory
      check_interrupted("indexing '" + capture + "' was interrupted; nothing was kept");
    }

    if (summary.frames == 0) summary.first_time = frame.time();
    summary.last_time = frame.time();
    ++summary.frames;
    summary.bytes += frame.length;
    progress.update(summary.frames, reader.offset());
  }
  if (!reader.error().empty()) {
    if (summary.frames == 0) throw CaptureOpenError(reader.error());
    summary.warnings.push_back("read stopped after frame " + std::to_string(summary.frames) + ": " + reader.error() +
                               "; the index holds the frames before it");
  }
  if (summary.frames == 0) throw CaptureOpenError("the capture holds no packets");
  if (encoder.frames() > 0) flush_block();
  search.finish();

  // Flow ids were provisional: flows emptied by reassembly are gone, the rest are numbered by
  // first frame. Renumber the packets only when something changed.
  const std::vector<uint32_t> final_id = flows.finish();
  bool renumbered = false;
  for (size_t id = 1; id < final_id.size(); ++id) renumbered |= final_id[id] != id;
  if (renumbered) {
    db.exec("CREATE TEMP TABLE flow_ids(provisional INTEGER PRIMARY KEY, final INTEGER)");
    Statement map(db.get(), "INSERT INTO flow_ids VALUES(?1, ?2)");
    for (size_t id = 1; id < final_id.size(); ++id) {
      map.bind(1, int64_t(id));
      map.bind(2, int64_t(final_id[id]));
      map.run();
    }
    db.exec("UPDATE packets SET flow = (SELECT final FROM flow_ids WHERE provisional = packets.flow)");
  }
  Statement insert_flow(db.get(),
                        "INSERT INTO flows VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)");
  for (const Flow &f : flows.flows()) {
    Statement &s = insert_flow;
    s.bind(1, int64_t(f.id));
    s.bind(2, std::string_view(f.src));
    s.bind(3, std::string_view(f.dst));
    if (f.has_ports) {
      s.bind(4, int64_t(f.sport));
      s.bind(5, int64_t(f.dport));
    }
    if (f.proto >= 0) s.bind(6, int64_t(f.proto));
    s.bind(7, std::string_view(f.service));
    s.bind(8, std::string_view(f.title));
    s.bind(9, int64_t(f.packets));
    s.bind(10, int64_t(f.bytes));
    s.bind(11, int64_t(f.cmsgs));
    s.bind(12, int64_t(f.smsgs));
    s.bind(13, int64_t(f.first));
    s.bind(14, int64_t(f.last));
    s.bind(15, f.time());
    s.bind(16, f.duration());
    if (!f.community_id.empty()) s.bind(17, std::string_view(f.community_id));
    if (f.tcp_stream >= 0) s.bind(18, f.tcp_stream);
    if (f.udp_stream >= 0) s.bind(19, f.udp_stream);
    s.run();
  }

  Statement insert_word(db.get(), "INSERT INTO dictionary VALUES(?1,?2,?3)");
  const auto &dictionary = encoder.dictionary();
  for (size_t i = 0; i < dictionary.size(); ++i) {
    insert_word.bind(1, int64_t(i));
    insert_word.bind(2, std::string_view(dictionary[i].name));
    insert_word.bind(3, int64_t(dictionary[i].kind));
    insert_word.run();
  }

  summary.flows = int64_t(flows.flows().size());
  summary.link_types.assign(link_types.begin(), link_types.end());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  Statement meta(db.get(), "INSERT INTO meta VALUES(?1,?2)");
  auto put = [&](const char *key, const std::string &value) {
    meta.bind(1, std::string_view(key));
    meta.bind(2, std::string_view(value));
    meta.run();
  };
  char number[64];
  put("schema_version", std::to_string(kIndexSchemaVersion));
  put("wireshark_version", wireshark_version());
  put("capture_path", capture);
  put("capture_size", std::to_string(int64_t(st.st_size)));
  put("capture_mtime_ns", std::to_string(int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec));
  put("capture_inode", std::to_string(int64_t(st.st_ino)));
  put("capture_head", std::to_string(file_head_hash(capture)));
  put("format", summary.format);
  put("compression", summary.compression);
  put("link_types", join_lines(summary.link_types));
  put("frames", std::to_string(summary.frames));
  put("bytes", std::to_string(summary.bytes));
  std::snprintf(number, sizeof number, "%.9f", summary.first_time);
  put("first_time", number);
  std::snprintf(number, sizeof number, "%.9f", summary.last_time);
  put("last_time", number);
  put("flows", std::to_string(summary.flows));
  std::snprintf(number, sizeof number, "%.3f", summary.seconds);
  put("seconds", number);
  put("warnings", join_lines(summary.warnings));

  db.exec("CREATE INDEX packets_by_flow ON packets(flow); CREATE INDEX packets_by_time ON packets(time);");
  db.exec("COMMIT");
  summary.directory = directory;
  return summary;
}

}  // namespace xtractr
