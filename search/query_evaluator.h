// query_evaluator.h — answers a parsed xtractr query (query_parser.h) from the search index.
//
// Usage:
//
//   SELECT id, src, dst FROM packets('day1.pcapng', 'dns.qry.name:*.example.com -pkt.dport:53');
//   SELECT * FROM flows('day1.pcapng', 'flow.proto:6 flow.cmsgs:0 flow.smsgs:0');
//
// How it works: the tree is evaluated bottom-up into sets of local ids (id_set.h) of the
// target table (frames for packets(), flows for flows()); AND/OR/NOT are set operations.
// Each leaf is answered where it lives and then lifted to the target:
//   - protocol fields and pkt.* columns: posting lists of the Xapian index (search_terms.h);
//     wildcards, ranges and CIDR blocks expand to the field's value terms that match;
//     fields the index keeps without values (floats, times, checksums, long values) are
//     tested on the stored field values of the frames carrying them; pkt.time, pkt.flow and
//     pkt.id are scanned from value slots / document ids;
//   - flow.* columns: tested on every row of the flows table (flows are few);
//   - bare words: the W terms (words of string fields), or, with the payload index, the
//     frames carrying the text in their reassembled TCP/UDP stream (stream_search.h);
//   - stream:"bytes": flows whose reassembled stream holds them (stream_search.h).
// Lifting: in flows() a frame-level leaf is the set of flows of the frames that match it; in
// packets() a flow-level leaf is the set of frames of the flows that match it.
// Matching rules: text compares case-insensitively, numbers numerically in ranges and
// comparisons, an exact value containing '/' on an address is a CIDR block.
#pragma once

#include "search/id_set.h"
#include "search/query_parser.h"
#include "search/search_index.h"

namespace xtractr {

// The local ids (frames, or flows when `flows`) of the search index's capture matching `root`.
// Throws UserError (unknown field or column, a range bound that is not a number, ...).
IdSet evaluate_query(const QueryNode &root, SearchIndex &search, bool flows);

}  // namespace xtractr
