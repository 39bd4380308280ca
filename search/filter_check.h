// filter_check.h — the exact test of a display filter on candidate frames: libwireshark's
// dfilter_apply_edt on each frame's tree rebuilt from the index (display_filter.h step 2).
//
// Usage (C++; display_filter.cc, under nothing — it takes dissection_mutex() itself):
//   IdSet matching = check_exactly(df, text, analyse_filter(text), index, candidates(plan, index).ids);
//
// How it works: one epan session with no packet provider (the rebuilt trees never ask for frame
// data); per candidate the dissection is reset, primed with the filter and with the header
// fields it reads (so they are kept although the tree is not visible), the stored values of
// those fields are added (tree_rebuild.h) — plus the frame's bytes read back from the capture
// when the filter uses `frame` for its bytes — and the filter applied. Stops on
// sqlite3_interrupt (check_interrupted() every 4,096 frames).
#pragma once

#include <string>

#include "search/filter_plan.h"
#include "search/id_set.h"

extern "C" {
#include <epan/dfilter/dfilter.h>
}

namespace xtractr {

class SearchIndex;

// The frames of `frames` (local numbers, sorted) that `df` (compiled from `text`) matches.
IdSet check_exactly(dfilter_t *df, const std::string &text, const FilterAnalysis &analysis, SearchIndex &index,
                    const IdSet &frames);

}  // namespace xtractr
