// stream_follower.cc — see stream_follower.h.
#include "dissect/extract/stream_follower.h"

#include <cstring>
#include <stdexcept>

#include "dissect/extract/isolated.h"
#include "dissect/extract/replay_session.h"

#include <map>
#include <memory>

extern "C" {
#include <epan/dissectors/packet-tcp.h>
#include <epan/follow.h>
}

namespace xtractr {

namespace {

// Owns a follow_info_t as the follow taps expect it (g_new0, freed by follow_info_free).
struct FollowInfo {
  follow_info_t *info = static_cast<follow_info_t *>(g_malloc0(sizeof(follow_info_t)));
  ~FollowInfo() { follow_info_free(info); }
};

// Wireshark's placeholder for bytes missing from the capture: "[N bytes missing in capture file]\0".
bool missing_bytes(const GByteArray *data, int64_t &count) {
  static const char kTail[] = " bytes missing in capture file]";
  const size_t tail = sizeof kTail - 1;
  if (!data || data->len < tail + 3 || data->data[0] != '[' || data->data[data->len - 1] != '\0') return false;
  const char *text = reinterpret_cast<const char *>(data->data);
  size_t end = data->len - 1;
  if (std::memcmp(text + end - tail, kTail, tail) != 0) return false;
  std::string number(text + 1, end - tail - 1);
  if (number.empty() || number.find_first_not_of("-0123456789") != std::string::npos) return false;
  count = std::stoll(number);
  return true;
}

// What the "tcp_follow" tap carries. libwireshark 4.0 declares it inside packet-tcp.c;
// this is the same layout (the TCP header's th_stream tells conversations apart).
struct TcpFollowTapData {
  tvbuff_t *tvb;
  struct tcpheader *tcph;
  void *tcpd;
};

// Routes each TCP conversation's tap records to a follow_info_t of its own.
struct StreamDispatch {
  tap_packet_cb follow = nullptr;
  std::map<guint32, std::unique_ptr<FollowInfo>> streams;  // by the session's tcp.stream
  std::map<guint32, guint32> first_packet;
};

tap_packet_status dispatch(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data,
                           tap_flags_t flags) {
  auto *d = static_cast<StreamDispatch *>(tapdata);
  const auto *tap = static_cast<const TcpFollowTapData *>(data);
  if (!tap || !tap->tcph) return TAP_PACKET_DONT_REDRAW;
  const guint32 stream = tap->tcph->th_stream;
  auto &info = d->streams[stream];
  if (!info) {
    try {
      info = std::make_unique<FollowInfo>();
      d->first_packet[stream] = pinfo->num;
    } catch (...) {
      return TAP_PACKET_DONT_REDRAW;
    }
  }
  return d->follow(info->info, pinfo, edt, data, flags);
}

FollowResult chunks_of(follow_info_t *info, StreamKind kind);

FollowResult follow_here(RandomReader &reader, const std::vector<FrameRef> &frames, StreamKind kind) {
  ReplaySession session(reader, ReplaySession::Options{});
  const char *name = kind == StreamKind::Tcp ? "TCP" : kind == StreamKind::Udp ? "UDP" : "TLS";
  register_follow_t *follower = get_follow_by_name(name);
  if (!follower) throw std::runtime_error("libwireshark has no stream follower for this protocol");
  FollowInfo follow;
  {
    TapListener listener(get_follow_tap_string(follower), follow.info, nullptr, 0, nullptr,
                         get_follow_tap_handler(follower));
    for (const FrameRef &f : frames) session.dissect(f.number, f.offset);
  }
  return chunks_of(follow.info, kind);
}

FollowResult chunks_of(follow_info_t *info, StreamKind kind) {
  FollowResult result;
  // follow_info_t::payload is in reverse order
  for (GList *item = g_list_last(info->payload); item; item = item->prev) {
    const auto *record = static_cast<const follow_record_t *>(item->data);
    StreamChunk chunk;
    chunk.from_server = record->is_server;
    chunk.packet = record->packet_num;
    chunk.ts_sec = record->abs_ts.secs;
    chunk.ts_nsec = record->abs_ts.nsecs;
    int64_t missing = 0;
    if (kind == StreamKind::Tcp && nstime_is_zero(&record->abs_ts) && missing_bytes(record->data, missing)) {
      chunk.gap = missing;
    } else if (record->data) {
      chunk.data.assign(reinterpret_cast<const char *>(record->data->data), record->data->len);
    }
    result.chunks.push_back(std::move(chunk));
  }
  return result;
}

template <typename T>
void put(std::string &out, T v) {
  out.append(reinterpret_cast<const char *>(&v), sizeof v);
}
template <typename T>
T take(const std::string &in, size_t &at) {
  if (at + sizeof(T) > in.size()) throw std::runtime_error("truncated stream from the re-dissection process");
  T v;
  std::memcpy(&v, in.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

}  // namespace

namespace {

void encode(std::string &out, const FollowResult &r) {
  put<uint64_t>(out, r.chunks.size());
  for (const StreamChunk &c : r.chunks) {
    put<uint8_t>(out, c.from_server);
    put<uint32_t>(out, c.packet);
    put<int64_t>(out, c.ts_sec);
    put<int32_t>(out, c.ts_nsec);
    put<int64_t>(out, c.gap);
    put<uint64_t>(out, c.data.size());
    out += c.data;
  }
}

FollowResult decode(const std::string &wire, size_t &at) {
  FollowResult result;
  uint64_t n = take<uint64_t>(wire, at);
  for (uint64_t i = 0; i < n; ++i) {
    StreamChunk c;
    c.from_server = take<uint8_t>(wire, at) != 0;
    c.packet = take<uint32_t>(wire, at);
    c.ts_sec = take<int64_t>(wire, at);
    c.ts_nsec = take<int32_t>(wire, at);
    c.gap = take<int64_t>(wire, at);
    uint64_t size = take<uint64_t>(wire, at);
    if (at + size > wire.size()) throw std::runtime_error("truncated stream from the re-dissection process");
    c.data.assign(wire, at, size);
    at += size;
    result.chunks.push_back(std::move(c));
  }
  return result;
}

}  // namespace

FollowResult follow_stream(const std::string &capture, const std::vector<FrameRef> &frames, StreamKind kind) {
  if (frames.empty()) return {};
  std::string wire = run_isolated([&] {
    RandomReader reader(capture);
    std::string out;
    encode(out, follow_here(reader, frames, kind));
    return out;
  });
  size_t at = 0;
  return decode(wire, at);
}

std::vector<std::pair<uint32_t, FollowResult>> follow_tcp_streams(const std::string &capture,
                                                                  const std::vector<FrameRef> &frames) {
  std::vector<std::pair<uint32_t, FollowResult>> out;
  if (frames.empty()) return out;
  std::string wire = run_isolated([&] {
    RandomReader reader(capture);
    ReplaySession session(reader, ReplaySession::Options{});
    register_follow_t *follower = get_follow_by_name("TCP");
    if (!follower) throw std::runtime_error("libwireshark has no TCP stream follower");
    StreamDispatch streams;
    streams.follow = get_follow_tap_handler(follower);
    {
      TapListener listener(get_follow_tap_string(follower), &streams, nullptr, 0, nullptr, dispatch);
      for (const FrameRef &f : frames) session.dissect(f.number, f.offset);
    }
    std::string bytes;
    put<uint64_t>(bytes, streams.streams.size());
    for (const auto &[stream, info] : streams.streams) {
      put<uint32_t>(bytes, streams.first_packet[stream]);
      encode(bytes, chunks_of(info->info, StreamKind::Tcp));
    }
    return bytes;
  });
  size_t at = 0;
  uint64_t n = take<uint64_t>(wire, at);
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t first = take<uint32_t>(wire, at);
    out.emplace_back(first, decode(wire, at));
  }
  return out;
}

}  // namespace xtractr
