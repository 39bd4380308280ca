// epan_session.cc — see epan_session.h.
#include "dissect/epan_session.h"

#include "dissect/dissection_settings.h"
#include "dissect/wireshark_runtime.h"

extern "C" {
#include <epan/column.h>
#include <epan/prefs.h>
#include <epan/secrets.h>
#include <epan/tvbuff.h>
#include <wiretap/secrets-types.h>
}

// epan leaves this type to its host application: the state its callbacks need.
struct packet_provider_data {
  wtap *wth = nullptr;
  const frame_data *ref = nullptr;
  frame_data *prev_dis = nullptr;
  frame_data *prev_cap = nullptr;
};

namespace xtractr {

namespace {

const nstime_t *frame_timestamp(packet_provider_data *prov, guint32 frame_num) {
  if (prov->ref && prov->ref->num == frame_num) return &prov->ref->abs_ts;
  if (prov->prev_dis && prov->prev_dis->num == frame_num) return &prov->prev_dis->abs_ts;
  if (prov->prev_cap && prov->prev_cap->num == frame_num) return &prov->prev_cap->abs_ts;
  return nullptr;
}

const char *interface_option(packet_provider_data *prov, guint32 interface_id, guint option) {
  wtapng_iface_descriptions_t *idb_info = wtap_file_get_idb_info(prov->wth);
  wtap_block_t idb = nullptr;
  if (interface_id < idb_info->interface_data->len)
    idb = g_array_index(idb_info->interface_data, wtap_block_t, interface_id);
  g_free(idb_info);
  char *value = nullptr;
  if (idb && wtap_block_get_string_option_value(idb, option, &value) == WTAP_OPTTYPE_SUCCESS) return value;
  return nullptr;
}

const char *interface_name(packet_provider_data *prov, guint32 interface_id) {
  if (const char *name = interface_option(prov, interface_id, OPT_IDB_NAME)) return name;
  if (const char *description = interface_option(prov, interface_id, OPT_IDB_DESCRIPTION)) return description;
  return "unknown";
}

const char *interface_description(packet_provider_data *prov, guint32 interface_id) {
  return interface_option(prov, interface_id, OPT_IDB_DESCRIPTION);
}

const packet_provider_funcs provider_funcs = {frame_timestamp, interface_name, interface_description, nullptr};

}  // namespace

EpanSession::EpanSession(wtap *wth, Options options)
    : options_(options), provider_(std::make_unique<packet_provider_data>()) {
  ensure_wireshark();
  provider_->wth = wth;
  epan_ = epan_new(provider_.get(), &provider_funcs);
  // The TLS keys of a new session are those its capture brings (pcapng Decryption Secrets
  // Blocks, read so far and as they are read: as tshark) and those of the key logs in the
  // settings (dissection_settings.h), handed over the same way.
  for (const std::string &keys : applied_keylog_contents())
    secrets_wtap_callback(SECRETS_TYPE_TLS, keys.data(), guint(keys.size()));
  wtap_set_cb_new_secrets(wth, secrets_wtap_callback);
  if (options_.columns) {
    build_column_format_array(&cinfo_, prefs.num_cols, TRUE);
    cinfo_.epan = epan_;
  }
  // A visible tree when there is one: FT_PROTOCOL values are their labels, as tshark prints them.
  edt_ = epan_dissect_new(epan_, options_.tree, options_.tree);
  nstime_set_zero(&elapsed_time_);
}

EpanSession::~EpanSession() {
  wtap_set_cb_new_secrets(provider_->wth, nullptr);  // the reader can outlive the session
  if (edt_) epan_dissect_free(edt_);
  if (options_.columns) col_cleanup(&cinfo_);
  if (epan_) epan_free(epan_);
}

void EpanSession::set_first_frame(const nstime_t &ts) {
  ref_frame_ = frame_data{};
  ref_frame_.num = 1;
  ref_frame_.abs_ts = ts;
  provider_->ref = &ref_frame_;
}

void EpanSession::set_previous_frame(uint32_t number, const nstime_t &ts) {
  prev_cap_frame_ = frame_data{};
  prev_cap_frame_.num = number;
  prev_cap_frame_.abs_ts = ts;
  provider_->prev_cap = &prev_cap_frame_;
}

void EpanSession::set_previous_frame_elsewhere(uint32_t number, const nstime_t &ts) {
  set_previous_frame(number, ts);
  prev_dis_frame_ = prev_cap_frame_;
  provider_->prev_dis = &prev_dis_frame_;
}

void EpanSession::forget_displayed() { provider_->prev_dis = nullptr; }

void EpanSession::begin_frame(frame_data &fdata, uint32_t number, const wtap_rec &rec, int64_t offset) {
  frame_data_init(&fdata, number, &rec, offset, cum_bytes_);
  frame_data_set_before_dissect(&fdata, &elapsed_time_, &provider_->ref, provider_->prev_dis);
  // The first frame becomes the time reference: keep a copy that outlives the caller's.
  if (provider_->ref == &fdata) {
    ref_frame_ = fdata;
    provider_->ref = &ref_frame_;
  }
}

tvbuff_t *EpanSession::run(frame_data &fdata, wtap_rec &rec, const uint8_t *data, int file_type_subtype) {
  tvbuff_t *tvb = tvb_new_real_data(data, fdata.cap_len, fdata.pkt_len > G_MAXINT ? G_MAXINT : fdata.pkt_len);
  epan_dissect_run_with_taps(edt_, file_type_subtype, &rec, tvb, &fdata, columns());
  if (options_.columns) epan_dissect_fill_in_columns(edt_, FALSE, TRUE);
  return tvb;
}

void EpanSession::end_frame(frame_data &fdata) {
  frame_data_set_after_dissect(&fdata, &cum_bytes_);
  prev_dis_frame_ = fdata;
  provider_->prev_dis = &prev_dis_frame_;
  prev_cap_frame_ = fdata;
  provider_->prev_cap = &prev_cap_frame_;
}

}  // namespace xtractr
