// index_summary.h — what an index holds; what xtractr_index() reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xtractr {

// Frames out of time order that an index lists instead of building a time index.
constexpr size_t kMaxTimeExceptions = 1000;

// What an index holds; also what xtractr_index() reports.
struct IndexSummary {
  std::string capture;
  std::string format;
  std::string compression;
  std::vector<std::string> link_types;
  int64_t frames = 0;
  int64_t bytes = 0;
  double first_time = 0, last_time = 0;
  // every frame's time >= the one before (most captures), but for a few `time_exceptions`
  // (frames earlier than one before them, at most kMaxTimeExceptions): time ranges are id
  // ranges, found by binary search, and the packets table needs no time index (a tenth of the
  // index's size)
  bool time_sorted = true;
  std::vector<int64_t> time_exceptions;
  int64_t flows = 0;
  int64_t index_size = 0;
  double seconds = 0;
  // how it was built: indexing processes at once, partitions of the capture, the largest
  // process's peak resident memory (KB)
  int workers = 1, partitions = 1;
  int64_t peak_rss_kb = 0;
  std::vector<std::string> warnings;
  // the identity of the Wireshark settings it was built with (capture_settings.h), a line each:
  // "-d tcp.port==2525,smtp", "keylog 5f2c…" (a key log by content hash); none for the defaults
  std::vector<std::string> settings;
  std::string directory;
  bool built_now = false;
};

}  // namespace xtractr
