// build_process.h — indexing runs in an xtractr-indexer process, never in the host.
//
// Usage (C++, in CaptureIndex::open, under the index's lock):
//
//   ConnectionScope scope(db);                          // set by every SQL entry point
//   IndexSummary built = build_in_indexer("/cases/day1.pcapng", "/cases/day1.pcapng.xtractr.tmp-42");
//
// From SQL nothing changes: the first query on a capture waits for its index.
//
//   SELECT count(*) FROM packets('/cases/day1.pcapng');   -- builds, then answers
//
// How it works: libwireshark grows by ~0.85 KB per dissected frame until its process ends,
// is not thread-safe, and a dissector crash kills its process; so the host (a shell, a
// notebook, a web server with many threads) only starts `xtractr-indexer` — found beside
// xtractr.so, or at $XTRACTR_INDEXER — with posix_spawn (fork() of a multi-threaded host is
// unsafe), in its own process group (Ctrl-C on the terminal reaches the host, which decides),
// and waits for it. The indexer writes report lines on a pipe (kind, then fields, see below):
// progress, then either `done` or `error`; a crash handler writes `crash` with the frame being
// dissected. While waiting, the host probes its connection a few times a second
// (check_stop_requested): sqlite3_interrupt() or the host's progress handler stop the build
// within a second; the indexer is killed and its directory removed. Nothing is shared but the
// directory the indexer writes, which the caller renames into place only after `done`.
#pragma once

#include <string>
#include <vector>

#include "core/sql_error.h"
#include "index/index_summary.h"

namespace xtractr {

// An indexer that crashed, was killed or failed: the capture could not be indexed now, though
// it is one (a collection stops rather than skipping it).
struct IndexBuildFailed : UserError {
  using UserError::UserError;
};

// Builds the index of `capture` into `directory` in an indexing process. Throws
// CaptureOpenError (not a capture we can index), UserError (with the capture's name: the
// indexer failed, crashed or was killed) or Interrupted.
// `environment`: NAME=VALUE entries for the indexer's environment, over the host's (the
// capture's Wireshark settings: capture_settings.h).
IndexSummary build_in_indexer(const std::string &capture, const std::string &directory,
                              const std::vector<std::string> &environment = {});

// The report lines, one per line, fields separated by one space (the message last):
//   progress FRAMES OFFSET        every quarter second
//   done                          the index is complete (its meta holds the peak memory)
//   error open|user|memory|other MESSAGE
//   crash FRAME SIGNAL            written by the indexer's crash handler
// Any other line is the indexer's stderr (libwireshark, glib): the last one explains a crash.
namespace report {
constexpr const char kProgress[] = "progress";
constexpr const char kDone[] = "done";
constexpr const char kError[] = "error";
constexpr const char kCrash[] = "crash";
constexpr int kFd = 3;  // the indexer's report pipe
}  // namespace report

}  // namespace xtractr
