// display_filter.h — Wireshark display filters (the `filter` argument), answered from the index.
//
// Usage:
//
//   SELECT id, src, dst, title FROM packets('day1.pcapng', NULL,
//     'tcp.port in {80 443} && http.user_agent contains "curl"');
//   SELECT * FROM flows('day1.pcapng', NULL, 'dns.flags.rcode != 0');   -- flows holding such frames
//
// How it works: the text is compiled by libwireshark's own dfilter_compile (so errors read like
// Wireshark's; a backslash its scanner would echo to the host's stdout is dropped first, see
// without_scanner_echo) and then answered in two steps:
//   1. candidates: a conservative reading of the filter (filter_plan.h: a small parser of its
//      and/or/not structure) asks the Xapian index for a superset of the matching frames
//      (filter_candidates.h) — the frames carrying the fields a comparison needs, the value
//      terms of `==`/`in` on integers, booleans, strings, IPv4 and MAC addresses, the value terms
//      that pass `<`/`>` on integers, lie in an IPv4 CIDR block, or, on strings, `contains` the
//      literal or that `matches`' regex matches (PCRE2 as libwireshark compiles it), document ids for
//      frame.number. Functions like count() and anything it does not understand widen the
//      candidates to every frame, never narrow them wrongly. When every part of the filter was
//      answered exactly (presence, equality on numbers, addresses and strings, comparisons, CIDR,
//      contains/matches on strings, and/or/not of those), the candidates are the answer and step 2 is skipped;
//   2. exact test (filter_check.h): for each candidate, the stored values of the fields the
//      filter reads are put into a fresh protocol tree (tree_rebuild.h: proto_tree_add_<type> on
//      the field's own header field, bit fields shifted back into place), and libwireshark's
//      dfilter_apply_edt decides. So Wireshark's own rules apply: types, repeated fields (any for
//      ==, all for != in 4.0), ranges, CIDR, slices, functions, `in`, `matches`.
// The `frame` protocol used for its bytes (`frame contains "x"`, `frame[0:2]`, `len(frame)`) gets
// the frame's record read back from the capture. `frame`, `tcp.payload` and `udp.payload`
// `contains` a needle of 3 bytes or more are narrowed to the frames the payload index allows,
// when the capture has one (index/payload_grams.h); a filter that is only `frame contains X`
// is then checked on each candidate's bytes directly, without a protocol tree.
// Not evaluable from stored values, hence refused with an error naming the construct:
// other protocols used for their bytes (`tcp[0:2]`, `udp contains "x"`, `len(udp)`),
// the layer operator `#`, field references `${...}`, and fields of types the index does not
// keep exactly (an error names the field and its type).
#pragma once

#include <memory>
#include <string>

#include "search/filter_plan.h"
#include "search/id_set.h"

namespace xtractr {

class SearchIndex;

class DisplayFilter {
 public:
  // Compiles and checks the filter; throws UserError with Wireshark's message.
  explicit DisplayFilter(const std::string &text);
  ~DisplayFilter();
  DisplayFilter(const DisplayFilter &) = delete;
  DisplayFilter &operator=(const DisplayFilter &) = delete;

  // The frames (local numbers) of the index's capture that `tshark -Y` would print.
  IdSet matching_frames(SearchIndex &index) const;

 private:
  std::string text_;
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
  FilterAnalysis analysis_;  // its fields and candidate plan
};

}  // namespace xtractr
