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
// writes, IMF messages, TFTP transfers — which are copied out and freed (eo_free_entry), all
// but the payloads the tftp and dicom taps keep in the capture's wmem scope (see free_entry).
//
// A Content-Encoding body the HTTP dissector cannot decompress (corrupt, truncated, or an
// encoding it does not decode) never reaches the HTTP tap: packet-http.c reports the expert
// info http.decompression_failed and skips the tap, so `tshark --export-objects` drops the
// file. Such bodies are still listed here, with their raw (compressed) bytes and a `note`:
// the first pass also listens to the expert tap, which says in which frames (and at which
// point of the arrival order) a body failed; when any did, a second pass re-dissects those
// flows with a tree, where the failing item (the "Content-encoded entity body" subtree the
// expert info hangs on) spans exactly the undecoded body, and its siblings give the headers
// (Content-Type, Content-Encoding, the request URI) the tap would have named the file from.
#pragma once

#include <cstdint>
#include <map>
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
  std::string note;  // why the data is not what the dissector normally hands over, else empty
};

// The export-object protocols libwireshark knows, among `wanted`.
std::vector<std::string> available_object_protocols(const std::vector<std::string> &wanted);

// `flow_of` (frame number -> flow), when given, limits the second pass (undecodable HTTP
// bodies) to the flows those bodies came in.
std::vector<ExtractedObject> collect_objects(RandomReader &reader, const std::vector<FrameRef> &frames,
                                             const std::vector<std::string> &protocols,
                                             const std::map<uint32_t, int64_t> *flow_of = nullptr);

// Why `data`, a body sent with Content-Encoding `encoding`, does not decode — zlib's message
// for gzip/deflate ("invalid block type", "the stream ends early: truncated") — or a short
// reason for the encodings zlib does not handle.
std::string undecodable_reason(const std::string &encoding, const std::string &data);

// The file name `tshark --export-objects` would save an object under (before "(n)" suffixes
// for duplicates): the dissector's name, or "object<packet>" with the content type, made safe.
std::string safe_object_name(const ExtractedObject &object);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(const std::string &data);

}  // namespace xtractr
