// wireshark_runtime.h — the one-per-process libwireshark/libwiretap runtime.
//
// libwireshark must be initialised once per process, is not thread-safe and allows one live
// epan session at a time. ensure_wireshark() initialises it on first use (deterministic
// preferences: defaults only, no name resolution, the user's profile is never read);
// dissection_mutex() serialises every use of epan and wiretap across threads.
#pragma once

#include <mutex>
#include <string>

#include "dissect/frame_record.h"

namespace xtractr {

// Initialises libwireshark on first call; throws std::runtime_error if that fails.
void ensure_wireshark();

// Held by whoever dissects or reads captures.
std::recursive_mutex &dissection_mutex();

std::string wireshark_version();

// What names a header field in any process. Ids do not: two processes of one program can give
// a field different ids (libwireshark registers some fields in hash-table order, e.g. those
// the XML dissector makes from DTD files).
struct FieldIdentity {
  std::string name;  // abbrev; several fields can share one
  int type;          // ftenum_t
};
FieldIdentity field_identity(int hf_id);
// The id of the (first) field with that name and type in this process, -1 when none.
int field_id(const FieldIdentity &identity);

// The integer field types, stored and compared as numbers: FT_INT*, FT_UINT* and FT_FRAMENUM
// (not FT_CHAR, which tshark prints as a character). `type` is an ftenum_t.
bool integer_field_type(int type);

// The header-field id of a registered field name, -1 when there is none.
int field_id(const char *name);

// The registered name (abbrev) of a header field, and how its values are stored.
std::string field_name(int hf_id);
ValueKind field_kind(int hf_id);

}  // namespace xtractr
