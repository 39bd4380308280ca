// index_location.h — which files a capture argument names, and where their indexes live.
//
// A capture argument is a file, a directory (its capture files, by name), or a glob.
// Each file's index is a directory: beside the capture (`day1.pcapng.xtractr/`) when that
// folder is writable, else in the per-user cache (`$XDG_CACHE_HOME/xtractr/`, else
// `~/.cache/xtractr/`). XTRACTR_INDEX_DIR puts every index in one folder instead;
// XTRACTR_CACHE_DIR moves the cache.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xtractr {

// The capture files an argument names, sorted by name; throws UserError when none.
// `from_directory` tells the caller non-captures may be skipped (a directory or glob).
struct CaptureSet {
  std::vector<std::string> files;  // absolute paths
  bool several = false;            // a directory or a glob, not one named file
};
CaptureSet resolve_capture_argument(const std::string &argument);

// The index directories worth looking in for a capture, best first; the first writable one
// is where a new index is built.
struct IndexPlaces {
  std::vector<std::string> candidates;
};
IndexPlaces index_places(const std::string &capture_path);

// Is `directory` (or, when missing, its parent) a place we can create files in?
bool writable_place(const std::string &directory);

// Creates a directory and its parents; throws UserError naming it on failure.
void make_directories(const std::string &directory);

// Removes a directory tree (best effort).
void remove_tree(const std::string &path);

// Writes `text` as the whole of file `path` (created or truncated); false when it could not
// (the caller names the file in its error).
bool write_text_file(const std::string &path, const std::string &text);

// A hash of samples of a file's content spread over all of it (0 when unreadable): its first
// 64 KiB (the headers), then 64 windows of 4 KiB evenly spread up to its end — at most
// 320 KiB read whatever the size. With size, mtime, ctime and inode it tells a capture rewritten in place
// from the one that was indexed. Opened without blocking, so a file swapped for a FIFO
// after stat() cannot hang it.
uint64_t file_sample_hash(const std::string &path);

// Total size of the regular files under a directory.
long long tree_size(const std::string &path);

}  // namespace xtractr
