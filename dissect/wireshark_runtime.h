// wireshark_runtime.h — the one-per-process libwireshark/libwiretap runtime.
//
// libwireshark must be initialised once per process, is not thread-safe and allows one live
// epan session at a time. ensure_wireshark() initialises it on first use (deterministic
// preferences: defaults only, no name resolution, the user's profile is never read);
// dissection_mutex() serialises every use of epan and wiretap across threads.
#pragma once

#include <mutex>
#include <string>

#include "dissect/field_registry.h"  // the field facts, from libwireshark or announced

namespace xtractr {

// Initialises libwireshark on first call; throws std::runtime_error if that fails
// (std::logic_error while an AnnouncedFields scope is open and it was not started before).
void ensure_wireshark();
// Only wiretap (reading captures, link-type names): what the merging process needs.
void ensure_wiretap();

// Held by whoever dissects or reads captures.
std::recursive_mutex &dissection_mutex();

std::string wireshark_version();

}  // namespace xtractr
