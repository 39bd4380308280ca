// replay_session.cc — see replay_session.h.
#include "dissect/extract/replay_session.h"

#include <stdexcept>

#include "dissect/dissection_settings.h"
#include "dissect/wireshark_runtime.h"

namespace xtractr {

struct ReplaySession::State {
  RandomReader &reader;
  EpanSession epan;

  State(RandomReader &r, Options o) : reader(r), epan(reader.handle(), o) {}
};

ReplaySession::ReplaySession(RandomReader &reader, Options options) : lock_(dissection_mutex()) {
  ensure_wireshark();
  // dissected as its index was built: the capture's settings, its leading secrets
  use_dissection_settings(remembered_capture_settings(reader.path()));
  reader.read_leading_blocks();
  state_ = std::make_unique<State>(reader, options);
}

ReplaySession::~ReplaySession() { state_.reset(); }

column_info *ReplaySession::columns() { return state_->epan.columns(); }

void ReplaySession::set_first_frame(const nstime_t &ts) { state_->epan.set_first_frame(ts); }

void ReplaySession::set_previous_frame(uint32_t number, const nstime_t &ts) {
  state_->epan.set_previous_frame(number, ts);
}

void ReplaySession::forget_displayed() { state_->epan.forget_displayed(); }

void ReplaySession::dissect(uint32_t number, int64_t offset, const std::function<void(epan_dissect_t *)> &inspect) {
  State &s = *state_;
  if (!s.reader.read(offset))
    throw std::runtime_error("cannot read capture '" + s.reader.path() + "': " + s.reader.error());
  wtap_rec &rec = s.reader.record();
  epan_dissect_t *edt = s.epan.edt();
  frame_data fdata;
  s.epan.begin_frame(fdata, number, rec, offset);
  s.epan.run(fdata, rec, s.reader.data(), s.reader.file_type_subtype());
  if (inspect) {
    try {
      inspect(edt);
    } catch (...) {
      epan_dissect_reset(edt);
      frame_data_destroy(&fdata);
      throw;
    }
  }
  s.epan.end_frame(fdata);
  epan_dissect_reset(edt);
  frame_data_destroy(&fdata);
}

TapListener::TapListener(const char *tap, void *data, const char *filter, unsigned flags, tap_reset_cb reset,
                         tap_packet_cb packet, tap_draw_cb draw, tap_finish_cb finish)
    : data_(data) {
  GString *error = register_tap_listener(tap, data, filter, flags, reset, packet, draw, finish);
  if (error) {
    std::string message = std::string("cannot listen to the '") + tap + "' tap: " + error->str;
    g_string_free(error, TRUE);
    throw std::runtime_error(message);
  }
}

TapListener::~TapListener() { remove_tap_listener(data_); }

}  // namespace xtractr
