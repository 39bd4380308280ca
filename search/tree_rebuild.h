// tree_rebuild.h — a frame's protocol tree rebuilt from its stored field values, so that
// libwireshark's own dfilter_apply_edt can judge a display filter on it (display_filter.h step 2).
//
// Usage (C++; filter_check.cc):
//   std::vector<header_field_info *> as = rebuild_fields(dictionary, {"tcp.port", "http.host"}, text);
//   if (!rebuild_tree(edt->tree, stored.frame(n, &wanted), as, frame_tvb)) ... libwireshark refused a value
//
// How it works: each stored value becomes an item of the field's own header field
// (proto_tree_add_<type>), bit fields shifted back into place, text parsed back into addresses,
// times, GUIDs, bytes; the `frame` protocol gets the frame's bytes (`frame_tvb`) when the filter
// reads them. The proto_tree_add_* calls can THROW (a longjmp, epan/exceptions.h), so they run
// under tree_guard.c's C handler.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "index/block_codec.h"

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

// By dictionary id: the header field each stored field named in `names` is rebuilt as (the
// one of that name whose kind matches), else nullptr. Throws UserError naming the field when
// its type cannot be rebuilt exactly (`text`: the filter, for the message).
std::vector<header_field_info *> rebuild_fields(const std::vector<DictionaryEntry> &dictionary,
                                                const std::unordered_set<std::string> &names, const std::string &text);

// Adds the values whose dictionary id has a header field in `rebuild_as` to `tree`. Throws
// UserError when a stored value cannot be turned back into its type; false when libwireshark
// threw while adding the items.
bool rebuild_tree(proto_tree *tree, const std::vector<StoredValue> &values,
                  const std::vector<header_field_info *> &rebuild_as, tvbuff_t *frame_tvb);

}  // namespace xtractr
