// replay_session.cc — see replay_session.h.
#include "dissect/extract/replay_session.h"

#include <stdexcept>

#include "dissect/wireshark_runtime.h"

extern "C" {
#include <epan/column.h>
#include <epan/column-info.h>
#include <epan/frame_data.h>
#include <epan/prefs.h>
#include <epan/tvbuff.h>
}

namespace xtractr {

namespace {

// What epan's callbacks need; epan only ever sees it as an opaque packet_provider_data.
struct ReplayProvider {
  wtap *wth = nullptr;
  const frame_data *ref = nullptr;
  frame_data *prev_dis = nullptr;
  frame_data *prev_cap = nullptr;
};

ReplayProvider *provider_of(packet_provider_data *p) { return reinterpret_cast<ReplayProvider *>(p); }

const nstime_t *frame_timestamp(packet_provider_data *p, guint32 frame_num) {
  ReplayProvider *prov = provider_of(p);
  if (prov->ref && prov->ref->num == frame_num) return &prov->ref->abs_ts;
  if (prov->prev_dis && prov->prev_dis->num == frame_num) return &prov->prev_dis->abs_ts;
  if (prov->prev_cap && prov->prev_cap->num == frame_num) return &prov->prev_cap->abs_ts;
  return nullptr;
}

const char *interface_option(packet_provider_data *p, guint32 interface_id, guint option) {
  wtapng_iface_descriptions_t *idb_info = wtap_file_get_idb_info(provider_of(p)->wth);
  wtap_block_t idb = nullptr;
  if (interface_id < idb_info->interface_data->len)
    idb = g_array_index(idb_info->interface_data, wtap_block_t, interface_id);
  g_free(idb_info);
  char *value = nullptr;
  if (idb && wtap_block_get_string_option_value(idb, option, &value) == WTAP_OPTTYPE_SUCCESS) return value;
  return nullptr;
}

const char *interface_name(packet_provider_data *p, guint32 interface_id) {
  if (const char *name = interface_option(p, interface_id, OPT_IDB_NAME)) return name;
  if (const char *description = interface_option(p, interface_id, OPT_IDB_DESCRIPTION)) return description;
  return "unknown";
}

const char *interface_description(packet_provider_data *p, guint32 interface_id) {
  return interface_option(p, interface_id, OPT_IDB_DESCRIPTION);
}

const packet_provider_funcs provider_funcs = {frame_timestamp, interface_name, interface_description, nullptr};

}  // namespace

struct ReplaySession::State {
  RandomReader &reader;
  Options options;
  ReplayProvider provider;
  epan_t *epan = nullptr;
  epan_dissect_t *edt = nullptr;
  column_info cinfo{};
  frame_data ref_frame{}, prev_dis_frame{}, prev_cap_frame{};
  nstime_t elapsed_time{};
  guint32 cum_bytes = 0;

  State(RandomReader &r, Options o) : reader(r), options(o) {
    provider.wth = reader.handle();
    epan = epan_new(reinterpret_cast<packet_provider_data *>(&provider), &provider_funcs);
    if (options.columns) {
      build_column_format_array(&cinfo, prefs.num_cols, TRUE);
      cinfo.epan = epan;
    }
    edt = epan_dissect_new(epan, options.tree, options.tree);
    nstime_set_zero(&elapsed_time);
  }
  ~State() {
    if (edt) epan_dissect_free(edt);
    if (options.columns) col_cleanup(&cinfo);
    if (epan) epan_free(epan);
  }
};

ReplaySession::ReplaySession(RandomReader &reader, Options options) : lock_(dissection_mutex()) {
  ensure_wireshark();
  state_ = std::make_unique<State>(reader, options);
}

ReplaySession::~ReplaySession() { state_.reset(); }

column_info *ReplaySession::columns() { return state_->options.columns ? &state_->cinfo : nullptr; }

void ReplaySession::set_first_frame(const nstime_t &ts) {
  State &s = *state_;
  s.ref_frame = frame_data{};
  s.ref_frame.num = 1;
  s.ref_frame.abs_ts = ts;
  s.provider.ref = &s.ref_frame;
}

void ReplaySession::set_previous_frame(uint32_t number, const nstime_t &ts) {
  State &s = *state_;
  s.prev_cap_frame = frame_data{};
  s.prev_cap_frame.num = number;
  s.prev_cap_frame.abs_ts = ts;
  s.provider.prev_cap = &s.prev_cap_frame;
}

void ReplaySession::forget_displayed() { state_->provider.prev_dis = nullptr; }

void ReplaySession::dissect(uint32_t number, int64_t offset, const std::function<void(epan_dissect_t *)> &inspect) {
  State &s = *state_;
  if (!s.reader.read(offset)) throw std::runtime_error("cannot read capture '" + s.reader.path() + "': " + s.reader.error());
  wtap_rec &rec = s.reader.record();
  frame_data fdata;
  frame_data_init(&fdata, number, &rec, offset, s.cum_bytes);
  frame_data_set_before_dissect(&fdata, &s.elapsed_time, &s.provider.ref, s.provider.prev_dis);
  if (s.provider.ref == &fdata) {
    s.ref_frame = fdata;
    s.provider.ref = &s.ref_frame;
  }
  tvbuff_t *tvb = tvb_new_real_data(s.reader.data(), fdata.cap_len, fdata.pkt_len > G_MAXINT ? G_MAXINT : fdata.pkt_len);
  epan_dissect_run_with_taps(s.edt, s.reader.file_type_subtype(), &rec, tvb, &fdata, columns());
  if (s.options.columns) epan_dissect_fill_in_columns(s.edt, FALSE, TRUE);
  if (inspect) {
    try {
      inspect(s.edt);
    } catch (...) {
      epan_dissect_reset(s.edt);
      frame_data_destroy(&fdata);
      throw;
    }
  }
  frame_data_set_after_dissect(&fdata, &s.cum_bytes);
  s.prev_dis_frame = fdata;
  s.provider.prev_dis = &s.prev_dis_frame;
  s.prev_cap_frame = fdata;
  s.provider.prev_cap = &s.prev_cap_frame;
  epan_dissect_reset(s.edt);
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
