// object_collector.h — files carried by a set of frames, as Wireshark's "Export Objects" finds them.
//
// Usage (C++):
//   std::vector<ExtractedObject> objects = collect_objects(reader, frames, {"http", "smb", "imf"});
//
// How it works: the frames are re-dissected in one ReplaySession (no tree: the export-object
// taps need none, as in `tshark --export-objects`) with the export-object tap of each named
// protocol registered (epan/export_object.h: get_eo_by_name, get_eo_tap_listener_name,
// get_eo_packet_func). Each tap hands over export_object_entry_t records — HTTP bodies already
// de-chunked and decompressed by the HTTP dissector, SMB files reassembled from reads and
// writes, IMF messages, TFTP transfers — which are copied out and freed (eo_free_entry).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dissect/extract/random_reader.h"
#include "dissect/extract/stream_follower.h"

namespace xtractr {

struct ExtractedObject {
  std::string protocol;  // the export-object name: "http", "smb", "imf", "tftp", "dicom"
  uint32_t packet = 0;   // the frame the tap reported it in
  std::string hostname, content_type;
  std::string filename;  // as the dissector names it (may be empty)
  std::string data;
};

// The export-object protocols libwireshark knows, among `wanted`.
std::vector<std::string> available_object_protocols(const std::vector<std::string> &wanted);

std::vector<ExtractedObject> collect_objects(RandomReader &reader, const std::vector<FrameRef> &frames,
                                             const std::vector<std::string> &protocols);

// The file name `tshark --export-objects` would save an object under (before "(n)" suffixes
// for duplicates): the dissector's name, or "object<packet>" with the content type, made safe.
std::string safe_object_name(const ExtractedObject &object);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(const std::string &data);

}  // namespace xtractr
