// search_filter.h — the `query` and `filter` arguments of packets()/flows(): which rows to scan.
//
// Usage (index_table.cc):
//
//   auto search = compile_search(args.query, args.filter);        // syntax errors here
//   std::vector<int64_t> ids = search_ids(*search, member, flows);  // local ids, ascending
//
// How it works: the query (query_parser.h) is parsed once and evaluated per capture of the
// collection (query_evaluator.h); the display filter (display_filter.h) is compiled once and
// evaluated per capture; when both are given a row must match both.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/capture_collection.h"

namespace xtractr {

struct CompiledSearch;

// nullptr when neither argument restricts anything. Throws UserError (with a column).
std::shared_ptr<const CompiledSearch> compile_search(const std::optional<std::string> &query,
                                                     const std::optional<std::string> &filter);

// The local ids (frame numbers, or flow ids when `flows`) of `member` that match, ascending.
std::vector<int64_t> search_ids(const CompiledSearch &search, const CollectionMember &member, bool flows);

}  // namespace xtractr
