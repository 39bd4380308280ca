// index_checksums.h — the checksums of a complete index's files, recorded when it is built
// and checked before an index is trusted: damage to any part of an index (a flipped byte in a
// field block or a Xapian table, a malformed index.db page, a truncated or missing search/
// file) is found before a query reads it, and the index is rebuilt (capture_index.h).
//
// Usage (C++, capture_index.cc):
//
//   record_checksums(temporary);                     // after the indexer said `done`
//   IndexFiles files;
//   std::string damage = verify_checksums(directory, files);   // "" when intact
//   if (files.changed_since_verified()) ...          // cheap re-check of a cached index
//
// From SQL it shows as a rebuild with a warning (`.log stderr` in the sqlite3 shell):
//
//   SELECT count(*) FROM packets('day1.pcapng');
//   -- (log) xtractr: the index of '/cases/day1.pcapng' was damaged
//   --       (search/postlist.glass: checksum mismatch) and has been rebuilt
//
// How it works: `<index>/checksums` lists `DIGEST SIZE PATH` for index.db and every file
// under search/ (XXH64, core/content_hash.h); it is written last, into the temporary folder,
// so an index without it was never complete. Verifying reads every listed file once: a
// listed file missing, of another size or digest is damage. Xapian does not checksum its
// blocks and can crash on damaged ones, so this is the check that keeps a damaged search/
// from ever being opened. What was verified is remembered with each file's size, mtime and
// inode: a cached index whose files changed since is verified again.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace xtractr {

// Writes `<directory>/checksums` for the index files in `directory`; throws on I/O errors.
void record_checksums(const std::string &directory);

// The files of an index as they were when verified.
struct IndexFiles {
  struct File {
    std::string path;
    int64_t size = -1, mtime_ns = -1, inode = -1;
  };
  std::vector<File> files;
  // True when a file's size, mtime or inode differs from when it was verified (a stat each).
  bool changed_since_verified() const;
};

// "" when every file `<directory>/checksums` lists is present with its recorded size and
// digest (and `verified` then lists them); else what is damaged ("index.db: checksum
// mismatch", "search/postlist.glass: missing", "no checksums").
std::string verify_checksums(const std::string &directory, IndexFiles &verified);

}  // namespace xtractr
