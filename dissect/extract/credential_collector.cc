// credential_collector.cc — see credential_collector.h.
#include "dissect/extract/credential_collector.h"

#include "dissect/extract/replay_session.h"

extern "C" {
#include <epan/ftypes/ftypes.h>
#include <epan/proto.h>
}

namespace xtractr {

namespace {

// The record the "credentials" tap carries. Wireshark declares it in ui/tap-credentials.h,
// which is not installed; this is the same layout (libwireshark 4.0 ABI).
struct TapCredential {
  guint num;
  guint username_num;
  guint password_hf_id;
  gchar *username;
  const gchar *proto;
  gchar *info;
};

struct Sink {
  std::vector<Credential> *out;
};

tap_packet_status on_credential(void *tapdata, packet_info *, epan_dissect_t *edt, const void *data, tap_flags_t) {
  auto *sink = static_cast<Sink *>(tapdata);
  const auto *auth = static_cast<const TapCredential *>(data);
  if (!auth) return TAP_PACKET_DONT_REDRAW;
  try {
    Credential c;
    c.packet = auth->num;
    c.username_packet = auth->username_num;
    c.protocol = auth->proto ? auth->proto : "";
    c.username = auth->username ? auth->username : "";
    c.info = auth->info ? auth->info : "";
    if (auth->password_hf_id > 0 && edt && edt->tree) {
      GPtrArray *found = proto_find_first_finfo(edt->tree, int(auth->password_hf_id));
      if (found && found->len) {
        auto *fi = static_cast<field_info *>(g_ptr_array_index(found, 0));
        if (char *text = fvalue_to_string_repr(nullptr, &fi->value, FTREPR_DISPLAY, BASE_NONE)) {
          c.password = text;
          c.has_password = true;
          wmem_free(nullptr, text);
        }
      }
      if (found) g_ptr_array_free(found, TRUE);
    }
    sink->out->push_back(std::move(c));
  } catch (...) {
    // out of memory: drop the record rather than unwind through libwireshark
  }
  return TAP_PACKET_DONT_REDRAW;
}

}  // namespace

std::vector<Credential> collect_credentials(RandomReader &reader, const std::vector<FrameRef> &frames) {
  std::vector<Credential> found;
  if (frames.empty()) return found;
  ReplaySession session(reader, ReplaySession::Options{/*tree=*/true, /*columns=*/false});
  Sink sink{&found};
  TapListener listener("credentials", &sink, nullptr, TL_REQUIRES_PROTO_TREE, nullptr, on_credential);
  for (const FrameRef &f : frames) session.dissect(f.number, f.offset);
  return found;
}

}  // namespace xtractr
