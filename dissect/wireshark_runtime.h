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

// The integer field types, stored and compared as numbers: FT_INT*, FT_UINT* and FT_FRAMENUM
// (not FT_CHAR, which tshark prints as a character). `type` is an ftenum_t.
bool integer_field_type(int type);

// The registered name (abbrev) of a header field, and how its values are stored.
std::string field_name(int hf_id);
ValueKind field_kind(int hf_id);

}  // namespace xtractr
