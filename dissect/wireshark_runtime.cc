// wireshark_runtime.cc — see wireshark_runtime.h.
#include "dissect/wireshark_runtime.h"

#include <stdexcept>

extern "C" {
#include <epan/addr_resolv.h>
#include <epan/epan.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/timestamp.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/wslog.h>
}

namespace xtractr {

std::recursive_mutex &dissection_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

namespace {

// Wireshark reports command-line errors through this hook; a library has no command line.
void ignore_cmdarg_error(const char *, va_list) {}

std::string initialise() {
  ws_log_init("xtractr", ignore_cmdarg_error);
  // Dissector warnings ("malformed packet" and the like) belong in the tree, not on the
  // host's stderr.
  ws_log_set_level(LOG_LEVEL_CRITICAL);
  init_process_policies();
  // Data files (dictionaries, manuf) are found from the compiled-in data directory.
  char *err = configuration_init("/usr/bin/tshark", nullptr);
  g_free(err);
  // Deterministic preferences: the user's Wireshark profile (preferences, disabled
  // protocols, heuristics, decode-as) must not change what a capture indexes to, so the
  // personal configuration folder is one that never exists. Settings are still loaded
  // through epan_load_settings(), which applies the defaults the way tshark does.
  set_persconffile_dir("/nonexistent/xtractr-uses-default-wireshark-settings");
  wtap_init(TRUE);
  if (!epan_init(nullptr, nullptr, TRUE)) return "epan_init failed";
  epan_load_settings();
  prefs_apply_all();
  disable_name_resolution();
  timestamp_set_type(TS_RELATIVE);
  timestamp_set_precision(TS_PREC_AUTO);
  timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
  return {};
}

}  // namespace

void ensure_wireshark() {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  static const std::string failure = initialise();
  if (!failure.empty()) throw std::runtime_error("libwireshark: " + failure);
}

std::string wireshark_version() {
  int major = 0, minor = 0, micro = 0;
  epan_get_version_number(&major, &minor, &micro);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro);
}

std::string field_name(int hf_id) {
  header_field_info *hf = proto_registrar_get_nth(hf_id);
  return hf && hf->abbrev ? hf->abbrev : "";
}

bool integer_field_type(int type) {
  const auto t = ftenum_t(type);
  return IS_FT_INT(t) || (IS_FT_UINT(t) && t != FT_CHAR);
}

ValueKind field_kind(int hf_id) {
  header_field_info *hf = proto_registrar_get_nth(hf_id);
  if (!hf) return ValueKind::Text;
  // tshark prints the "data" protocol (undissected bytes) as the hex of its bytes
  static const int proto_data = proto_get_id_by_filter_name("data");
  if (hf_id == proto_data) return ValueKind::Bytes;
  if (integer_field_type(hf->type) || hf->type == FT_BOOLEAN) return ValueKind::Integer;
  switch (hf->type) {
    case FT_FLOAT:
    case FT_DOUBLE:
    case FT_RELATIVE_TIME:
      return ValueKind::NumberText;
    case FT_NONE:
      return ValueKind::Present;
    case FT_BYTES:
    case FT_UINT_BYTES:
      // tshark prints plain hex unless the field asks for separators between bytes
      switch (FIELD_DISPLAY(hf->display)) {
        case SEP_DOT:
        case SEP_DASH:
        case SEP_COLON:
        case SEP_SPACE:
          return ValueKind::Text;
        default:
          return ValueKind::Bytes;
      }
    default:
      return ValueKind::Text;
  }
}

int field_id(const char *name) {
  ensure_wireshark();
  return proto_registrar_get_id_byname(name);
}

FieldIdentity field_identity(int hf_id) {
  header_field_info *hf = proto_registrar_get_nth(guint(hf_id));
  return FieldIdentity{hf->abbrev ? hf->abbrev : "", int(hf->type)};
}

int field_id(const FieldIdentity &identity) {
  ensure_wireshark();
  header_field_info *hf = proto_registrar_get_byname(identity.name.c_str());
  if (!hf) return -1;
  while (hf->same_name_prev_id != -1) hf = proto_registrar_get_nth(guint(hf->same_name_prev_id));
  for (; hf; hf = hf->same_name_next)
    if (int(hf->type) == identity.type) return hf->id;
  return -1;
}

}  // namespace xtractr
