// stream_follower.h — the payload of one TCP or UDP conversation, as Wireshark follows it.
//
// Usage (C++):
//   std::vector<FrameRef> frames = ...;  // the flow's frames, from the index, in frame order
//   FollowResult r = follow_stream(reader, frames, StreamKind::Tcp);
//   FollowResult plain = follow_stream(reader, frames, StreamKind::Tls);  // decrypted TLS records
//
// How it works: the frames are re-dissected in one ReplaySession with Wireshark's own
// follow tap registered ("tcp_follow" / "udp_follow", epan/follow.h), the code behind
// `tshark -z follow,tcp,raw,N`: TCP segments are put in sequence order, retransmitted and
// overlapping bytes are kept once, out-of-order segments wait for the gap before them. Where
// the receiver acknowledged bytes the capture does not hold, Wireshark inserts a text
// placeholder; here that becomes a chunk with no data and `gap` = the missing byte count.
// Bytes after a gap that is never acknowledged stay unreported, as in tshark. StreamKind::Tls
// registers the "tls" follow tap instead (`tshark -z follow,tls,raw,N`): one chunk per TLS
// application-data record the session could decrypt (with the capture's key logs or secrets,
// which ReplaySession applies), nothing for records it could not. The session runs in a child
// process (isolated.h), with its own reader of the capture.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dissect/extract/random_reader.h"

namespace xtractr {

// A frame of the capture, as the index knows it.
struct FrameRef {
  uint32_t number;  // frame.number in its capture
  int64_t offset;   // record offset for wtap_seek_read
};

enum class StreamKind { Tcp, Udp, Tls };

struct StreamChunk {
  bool from_server;    // Wireshark's notion: not sent by the first frame's sender
  uint32_t packet;     // the frame that carried the bytes (for a gap: the frame that revealed it)
  int64_t ts_sec = 0;  // that frame's time stamp
  int32_t ts_nsec = 0;
  std::string data;
  int64_t gap = 0;  // > 0: this many bytes are missing here; data is empty
};

struct FollowResult {
  std::vector<StreamChunk> chunks;  // in stream order
};

FollowResult follow_stream(const std::string &capture, const std::vector<FrameRef> &frames, StreamKind kind);

// Several TCP conversations at once, in one session: `frames` holds the frames of all of
// them; the result maps the first frame of each conversation to its stream.
std::vector<std::pair<uint32_t, FollowResult>> follow_tcp_streams(const std::string &capture,
                                                                  const std::vector<FrameRef> &frames);

}  // namespace xtractr
