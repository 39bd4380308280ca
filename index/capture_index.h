// capture_index.h — the persistent index of one capture file: find it, build it, read it.
//
// How it works: the index is a directory holding `index.db`, an SQLite database with the
// packet and flow columns, the field dictionary and the compressed field blocks (the `docs`
// table, see block_codec.h), beside `search/`, the Xapian database. CaptureIndex::open()
// returns an index that matches the capture as it is on disk now (size, mtime, ctime, inode,
// content sampled over the whole file, and the libwireshark version), checked on every call —
// a cached index too —, building one when there is none. Building happens under an flock
// on `<index dir>.lock` (a file that exists only during the build), into a temporary
// directory that is renamed into place only when complete, so a killed build leaves nothing
// a later query trusts, and two processes never build the same index at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/sqlite_handles.h"
#include "dissect/extract/random_reader.h"
#include "index/block_codec.h"
#include "index/index_checksums.h"
#include "index/index_summary.h"

namespace xtractr {

class CaptureIndex {
 public:
  // The index of `capture_path` (absolute), built if missing, stale or `rebuild`.
  // Throws UserError with a message naming the file.
  static std::shared_ptr<CaptureIndex> open(const std::string &capture_path, bool rebuild = false);

  const std::string &capture() const { return summary_.capture; }
  const IndexSummary &summary() const { return summary_; }
  sqlite3 *db() const { return db_.get(); }
  const std::vector<DictionaryEntry> &dictionary() const { return dictionary_; }

  // The compressed field block `block` (frames block*kFramesPerBlock+1 ...).
  std::string block(int64_t block) const;

  // The bytes of frame `frame`'s record (local frame number), read back from the capture.
  std::string frame_bytes(uint32_t frame) const;

  // The index files as verified when it was opened (index_checksums.h).
  const IndexFiles &files() const { return files_; }
  // Drops `capture`'s index from this process's cache: the next open verifies it again
  // (called when a query finds it damaged).
  static void forget(const std::string &capture);

  CaptureIndex(Database db, IndexSummary summary, IndexFiles files = {});

 private:
  IndexFiles files_;
  Database db_;
  IndexSummary summary_;
  std::vector<DictionaryEntry> dictionary_;
  mutable std::mutex block_mutex_;
  mutable Statement block_stmt_;
  mutable std::mutex record_mutex_;
  mutable Statement offset_stmt_;
  mutable std::unique_ptr<RandomReader> records_;
};

// Told of each frame as build_index() dissects it.
struct BuildObserver {
  virtual ~BuildObserver() = default;
  virtual void frame(uint32_t number, int64_t offset) = 0;  // offset: where the reader is in the file
};

// Builds a complete index of `capture_path` into `directory` (which must not exist), in this
// process (the indexing process's work: the host calls build_in_indexer(), build_process.h).
// Throws CaptureOpenError / UserError / std::runtime_error.
IndexSummary build_index(const std::string &capture_path, const std::string &directory,
                         BuildObserver *observer = nullptr);

// Bumped whenever the stored layout or stored values change: older indexes are rebuilt.
// History:
//   3  + search/ (Xapian)
//   4  titles in blocks of 1024 frames
//   5  columnar blocks
//   6  src/dst in blocks; text prefix and decimal coding
//   7  capture_head in meta; tshark-exact booleans and empty bytes
//   8  built by xtractr-indexer: workers, partitions, peak_rss_kb in meta
//   9  capture_ctime_ns and capture_sample (content sampled over the whole file) in meta
//   10 `checksums` of every index file (index_checksums.h): an index without it is rebuilt
//   11 string values keep their case in V terms, plus F terms (lower-cased) for those with capitals
//   12 tunnels as flows: packets.tunnel, flows.tunnel, outer UDP/TCP/IP-pair flows (issue 13)
//   13 dense search terms stored as their complement (search_terms.h, metadata "complemented");
//      no time value slot
//   14 time_sorted in meta: no packets_by_time index when the frames are in time order
//   15 flow_frames (flow_frames.h) instead of the packets_by_flow index; packets.caplen NULL
//      when equal to length
//   16 payload_grams: trigrams of ASCII-folded bytes (bare words search payloads in any case)
//   17 implied packet columns (search_terms.h, kImpliedColumns): pkt.src/dst/sport/dport and
//      pkt.caplen spelled only where their sources do not imply them, marked by E terms;
//      tcp.options without value terms (an implied field)
//   18 payload_grams: flag 4 (kUnsliced) on parts with a payload not sliced from its frame
//   19 tcp.options by its presence term alone (exact presence: `tcp.options` took 29 s on r16
//      as an implied field, every TCP frame checked on the stored values)
//   20 search/ in shards written in parallel: search/XAPIANDB lists search/0 ... (docids
//      interleaved, so the stub's docid is still the frame number)
constexpr int kIndexSchemaVersion = 20;

}  // namespace xtractr
