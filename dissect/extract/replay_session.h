// replay_session.h — an epan session that re-dissects chosen records of a capture.
//
// Usage (C++):
//   ReplaySession session(reader, ReplaySession::Options{/*tree=*/false, /*columns=*/false});
//   TapListener follow("tcp_follow", &info, nullptr, 0, nullptr, listener);
//   for (auto &f : frames) session.dissect(f.number, f.offset);   // increasing frame numbers
//
// How it works: like one pass of tshark over a subset of the frames. Each record is read at
// its stored offset (RandomReader) and dissected as frame `number` of its capture, with taps
// (epan_dissect_run_with_taps), so dissectors keep their per-conversation state (TCP
// reassembly, HTTP bodies, SMB file handles) across the frames given. A session holds
// dissection_mutex() for its whole life: libwireshark allows one live epan session per
// process and is not thread-safe. The epan session and its frame bookkeeping are EpanSession's,
// shared with the index builder's FrameDissector (a sequential read); this one adds frame
// numbers that skip, chosen time references (frame.time_relative / time_delta as in a full
// pass) and an optional tree.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "dissect/epan_session.h"
#include "dissect/extract/random_reader.h"

extern "C" {
#include <epan/column-info.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/tap.h>
}

namespace xtractr {

class ReplaySession {
 public:
  using Options = EpanSession::Options;  // tree: full, visible protocol tree; columns: summary columns
  ReplaySession(RandomReader &reader, Options options);
  ~ReplaySession();
  ReplaySession(const ReplaySession &) = delete;
  ReplaySession &operator=(const ReplaySession &) = delete;

  // Time references as a full pass would have them: frame 1's time stamp (frame.time_relative)
  // and the time stamp of the frame captured just before the next one dissected (time_delta).
  void set_first_frame(const nstime_t &ts);
  void set_previous_frame(uint32_t number, const nstime_t &ts);
  // The next frame is the first one "displayed" (as with `tshark -Y frame.number==N`).
  void forget_displayed();

  // Dissects the record at `offset` as frame `number`; `inspect` sees the dissection (tree,
  // columns) before it is reset. Throws std::runtime_error when the record cannot be read.
  void dissect(uint32_t number, int64_t offset, const std::function<void(epan_dissect_t *)> &inspect = {});

  column_info *columns();

  struct State;

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  std::unique_ptr<State> state_;
};

// A tap listener registered for the life of the object (register_tap_listener /
// remove_tap_listener). `data` identifies the listener and is passed to the callbacks.
class TapListener {
 public:
  TapListener(const char *tap, void *data, const char *filter, unsigned flags, tap_reset_cb reset, tap_packet_cb packet,
              tap_draw_cb draw = nullptr, tap_finish_cb finish = nullptr);
  ~TapListener();
  TapListener(const TapListener &) = delete;
  TapListener &operator=(const TapListener &) = delete;

 private:
  void *data_;
};

}  // namespace xtractr
