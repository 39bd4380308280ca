// query_parser.h — the xtractr query language: text → syntax tree, errors with a column.
//
// Usage:
//
//   SELECT * FROM packets('day1.pcapng', 'http.request.method:POST http.host:*.example.com');
//   SELECT * FROM flows('day1.pcapng', 'flow.service:DNS flow.smsgs:0');
//   SELECT * FROM packets('day1.pcapng', 'ip.src:10.0.0.0/8 -tcp.port:(22 || 443)');
//
// The language:
//   field:value  field:"quoted value"  field:*  (present)      whitespace, AND, && = and
//   a || b   a OR b                   -term  NOT term  !term   (parentheses group)
//   field:(a || b || c)               one field, any of the values
//   a|b:value                         any of the fields
//   wildcards * in values             flow.service:http*   http.host:*.example.com
//   ranges and comparisons            pkt.length:[100 200]  pkt.length:>1000  x:>=5 x:<3 x:<=3
//   CIDR on address fields            ip.src:10.0.0.0/8  ipv6.addr:2001:db8::/32 (quote or escape ':')
//   bare words                        free text: the words of string fields, or (payload index)
//                                     the text in TCP/UDP stream bytes, any case (stream_search.h)
//   stream:"bytes"                    flows whose reassembled TCP/UDP stream holds them (stream_search.h)
//   a lone *                          every row
//   backslash escapes                 \: \( \) \| \- \\ \< \> \= \, \* \" and \space
//   nesting                           at most kMaxQueryDepth groups and negations inside each other
//
// How it works: a hand-written recursive-descent parser over the raw text; every node keeps
// the 1-based column where it starts so the evaluator's errors can point at it too. A value
// is kept as the pieces between its unescaped `*`s (one piece = no wildcard). Keywords AND,
// OR, NOT are recognised in upper case only, so `and`/`or` stay searchable words.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/sql_error.h"

namespace xtractr {

// Groups and negations nested deeper than this are a syntax error: the parser, the evaluator
// and the tree's destructor recurse once per level, inside the host's stack.
inline constexpr int kMaxQueryDepth = 256;

struct QueryValue {
  enum class Kind { Any, Match, Range } kind = Kind::Match;
  std::vector<std::string> pieces;  // Match: the text between unescaped '*' (size 1 = exact)
  // Range: bounds as written (empty = open), inclusive flags
  std::string low, high;
  bool low_inclusive = true, high_inclusive = true;
  int column = 0;

  bool wildcard() const { return kind == Kind::Match && pieces.size() > 1; }
  std::string text() const;  // the exact value (pieces joined by '*'), for messages
};

struct QueryNode {
  enum class Kind { And, Or, Not, Term, Word, All } kind;
  std::vector<std::unique_ptr<QueryNode>> children;  // And, Or, Not
  std::vector<std::string> fields;                   // Term: any of these fields ...
  std::vector<QueryValue> values;                    // ... with any of these values
  QueryValue word;                                   // Word (Match kind)
  int column = 0;
};

// A malformed query: the message names the problem and the 1-based column.
struct QuerySyntaxError : UserError {
  using UserError::UserError;
};

std::unique_ptr<QueryNode> parse_query(const std::string &text);

// For tests and messages: a canonical rendering of the tree.
std::string describe(const QueryNode &node);

// Matches `text` against the pieces of a wildcard value (both already lower-cased).
bool wildcard_match(const std::vector<std::string> &pieces, std::string_view text);

}  // namespace xtractr
