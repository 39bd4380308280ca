// filter_plan.h — what a Wireshark display filter's text asks of the index: its fields and a
// conservative plan of the frames that can match (display_filter.h step 1).
//
// Usage (C++; display_filter.cc):
//   FilterAnalysis a = analyse_filter("tcp.port in {80 443} && http.user_agent contains \"curl\"");
//   Candidates c = candidates(*a.plan, index);   // filter_candidates.h
//
// How it works: a lexer good enough to see the and/or/not structure and the field names, and a
// small recursive-descent parser of that structure. Each relation becomes a Field node: the
// frames carrying the field, narrowed by value terms when the literal's index spelling
// (search_terms.h) is sure — `==`/`in` on integers, booleans, strings, IPv4 and MAC addresses
// (`!=` is the field's presence and not `==`, as Wireshark 4.0 reads it);
// `<`/`>` on integers, an IPv4 CIDR block, `contains` and `matches` on strings are answered by
// scanning the field's value terms (`matches` with the regex engine and flags of libwireshark
// 4.0's own `matches`: PCRE2 through wsutil's ws_regex, caseless, never UTF); frame.number by
// document ids. Anything not understood (functions,
// arithmetic, unknown shapes) becomes All: a plan may be too wide, never too narrow. The text
// has already been compiled by libwireshark, so the lexer never has to reject anything.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

struct _ws_regex;  // wsutil/regex.h

namespace xtractr {

struct FilterPlan {
  enum class Kind { All, And, Or, Not, Field } kind = Kind::All;
  std::vector<std::unique_ptr<FilterPlan>> children;
  std::string field;                // Field: frames carrying it ...
  std::vector<std::string> values;  // ... with one of these normalised values (empty: any)
  bool by_value = false;
  bool existence = false;        // the relation is the bare field: true exactly when it is present
  bool exact_values = false;     // the index spelling of `values` compares exactly as Wireshark does
  bool by_frame_number = false;  // frame.number == N / in {...}: `values` are the frame numbers
  // answered by scanning the field's value terms: an order comparison with an integer, or an
  // IPv4 CIDR block (`==`); exact, as Wireshark's ordering operators hold for any occurrence
  // Contains: a string field's value terms holding the literal (exact: string values are
  // spelled as they are); Matches: those `regex` matches, as libwireshark's `matches` would
  enum class Scan { None, Less, LessEqual, Greater, GreaterEqual, Cidr, Contains, Matches } scan = Scan::None;
  int64_t bound = 0;
  std::string needle;
  std::shared_ptr<_ws_regex> regex;  // Matches
  // `frame`, `tcp.payload` or `udp.payload` contains these bytes (3 or more): narrowed by the
  // payload index (index/payload_grams.h) when the capture has one; never exact
  std::string payload_needle;
  uint32_t network = 0, mask = 0;  // host order
};

// A boolean compared with true, in `values`: every non-zero value term.
inline constexpr const char *kTrueValue = "\x01true";

// What a (compiled) filter's text says.
struct FilterAnalysis {
  std::unique_ptr<FilterPlan> plan;        // never null
  std::unordered_set<std::string> fields;  // the field names it reads
  bool frame_bytes = false;                // `frame` is used for its bytes (frame contains ...)
};

// Throws UserError for what cannot be answered from stored values (display_filter.h). Needs
// libwireshark's field registry (ensure_wireshark()).
FilterAnalysis analyse_filter(const std::string &text);

// Whether a value term (without its prefix) passes a Field plan's scan.
bool scan_matches(const FilterPlan &plan, std::string_view value);

}  // namespace xtractr
