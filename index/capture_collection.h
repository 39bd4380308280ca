// capture_collection.h — the indexes behind one capture argument.
//
// One file, or several (a directory or a glob) read as one collection in file-name order:
// packet and flow ids continue from one file to the next, so in a collection
// id = (frames of the files before) + frame.number, and the `pcap` column tells the file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "index/capture_index.h"

namespace xtractr {

struct CollectionMember {
  std::shared_ptr<CaptureIndex> index;
  int64_t id_base = 0;    // added to the file's frame numbers
  int64_t flow_base = 0;  // added to the file's flow ids
};

struct CaptureCollection {
  std::vector<CollectionMember> members;
  std::vector<std::string> skipped;  // files of a directory or glob that are not captures, and why
};

// Opens (building where needed) the index of every file `argument` names.
// In a directory or glob, files that are not captures are skipped; a named file that is
// not a capture is an error.
CaptureCollection open_collection(const std::string &argument, bool rebuild = false);

}  // namespace xtractr
