// epan_session.h — the process's epan session over one open capture, and the bookkeeping a
// pass of tshark keeps between frames.
//
// Usage (C++):
//   EpanSession epan(reader.handle(), EpanSession::Options{/*tree=*/true, /*columns=*/true});
//   frame_data fdata;
//   epan.begin_frame(fdata, number, rec, offset);
//   epan.run(fdata, rec, data, file_type_subtype);   // epan.edt(), epan.columns() hold the result
//   epan.end_frame(fdata);                            // then epan_dissect_reset + frame_data_destroy
//
// How it works: libwireshark leaves `packet_provider_data` and its callbacks to the host
// application; they answer from the wiretap handle (interface names and descriptions) and from
// the three frames a pass remembers — the time reference, the previous displayed and the
// previous captured frame — which give frame.time_relative and frame.time_delta(_displayed)
// the values tshark's single pass gives them. begin_frame/end_frame do what tshark's
// process_packet_single_pass() does around a dissection. FrameDissector (a sequential read)
// and ReplaySession (chosen records, read at their offsets) both drive one. The caller holds
// dissection_mutex() for the whole life of a session: libwireshark allows one live epan_t per
// process and is not thread-safe.
#pragma once

#include <cstdint>
#include <memory>

extern "C" {
#include <epan/column-info.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <wiretap/wtap.h>
}

namespace xtractr {

class EpanSession {
 public:
  struct Options {
    bool tree = false;     // build the full, visible protocol tree
    bool columns = false;  // fill the summary columns
  };
  EpanSession(wtap *wth, Options options);
  ~EpanSession();
  EpanSession(const EpanSession &) = delete;
  EpanSession &operator=(const EpanSession &) = delete;

  epan_dissect_t *edt() { return edt_; }
  column_info *columns() { return options_.columns ? &cinfo_ : nullptr; }

  // Time references chosen by the caller instead of a full pass: frame 1's time stamp
  // (frame.time_relative) and the frame captured just before the next one (time_delta).
  void set_first_frame(const nstime_t &ts);
  void set_previous_frame(uint32_t number, const nstime_t &ts);
  // The frame before the next one was read but dissected elsewhere (partitioned indexing): it
  // is still the previous captured and displayed frame for frame.time_delta(_displayed).
  void set_previous_frame_elsewhere(uint32_t number, const nstime_t &ts);
  // The next frame is the first one "displayed" (as with `tshark -Y frame.number==N`).
  void forget_displayed();

  // frame_data_init + frame_data_set_before_dissect for frame `number` read at `offset`.
  void begin_frame(frame_data &fdata, uint32_t number, const wtap_rec &rec, int64_t offset);
  // Dissects the record's bytes with taps (and fills the columns when kept); returns the
  // frame's tvb, alive until the dissection is reset.
  tvbuff_t *run(frame_data &fdata, wtap_rec &rec, const uint8_t *data, int file_type_subtype);
  // frame_data_set_after_dissect; the frame becomes the previous displayed and captured one.
  void end_frame(frame_data &fdata);

 private:
  Options options_;
  std::unique_ptr<packet_provider_data> provider_;
  epan_t *epan_ = nullptr;
  epan_dissect_t *edt_ = nullptr;
  column_info cinfo_{};
  // Copies of the frames the provider points at: the caller's frame_data does not outlive it.
  frame_data ref_frame_{}, prev_dis_frame_{}, prev_cap_frame_{};
  nstime_t elapsed_time_{};
  guint32 cum_bytes_ = 0;
};

}  // namespace xtractr
