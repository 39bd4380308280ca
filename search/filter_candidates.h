// filter_candidates.h — the frames a display filter's plan (filter_plan.h) allows, from the
// Xapian index (display_filter.h step 1).
//
// Usage (C++; display_filter.cc):
//   Candidates c = candidates(*analyse_filter(text).plan, index);
//   if (c.exact) return c.ids;   // else check each of c.ids exactly (filter_check.h)
//
// How it works: a Field node reads the postings of the field's presence term, of its value
// terms (the literal's index spelling, or every value term that passes the plan's scan), or
// the frame numbers themselves; an alias stands for the fields it names. And intersects,
// Or unites, Not complements — only an exact child, as the complement of a superset is no
// superset. `exact` says the set is the answer itself: presence of a field whose presence is
// exact, equality on numbers, addresses and strings (`==`, `!=`, `in`), `contains` on strings,
// order comparisons, CIDR, and/or/not of those; an empty superset is exact too. A field some of
// whose values have no V term (too long) adds the frames its P term marks, to be checked.
// `frame`/`tcp.payload`/`udp.payload` contains a needle: the frames the payload index
// (index/payload_grams.h) allows, when the capture has one, to be checked.
#pragma once

#include "search/filter_plan.h"
#include "search/id_set.h"

namespace xtractr {

class SearchIndex;

// A superset of the matching frames (local numbers); `exact` when it is the matching set itself.
struct Candidates {
  IdSet ids;
  bool exact;
  // a payload needle's candidates whose payload bytes may lie outside their own frame's bytes
  // (payload_grams.h); the others can hold it only if their frame's bytes do
  IdSet unsliced = {};
};

Candidates candidates(const FilterPlan &plan, SearchIndex &index);

}  // namespace xtractr
