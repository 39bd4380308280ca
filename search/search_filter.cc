// search_filter.cc — see search_filter.h.
#include "search/search_filter.h"

#include "search/display_filter.h"
#include "search/query_evaluator.h"
#include "search/query_parser.h"
#include "search/search_index.h"

namespace xtractr {

struct CompiledSearch {
  std::unique_ptr<QueryNode> query;
  std::unique_ptr<DisplayFilter> filter;
};

std::shared_ptr<const CompiledSearch> compile_search(const std::optional<std::string> &query,
                                                     const std::optional<std::string> &filter) {
  bool has_query = query && !query->empty();
  bool has_filter = filter && !filter->empty();
  if (!has_query && !has_filter) return nullptr;
  auto search = std::make_shared<CompiledSearch>();
  if (has_query) search->query = parse_query(*query);
  if (has_filter) search->filter = std::make_unique<DisplayFilter>(*filter);
  return search;
}

std::vector<int64_t> search_ids(const CompiledSearch &search, const CollectionMember &member, bool flows) {
  SearchIndex index(member);
  IdSet ids;
  bool first = true;
  if (search.query) {
    ids = evaluate_query(*search.query, index, flows);
    first = false;
  }
  if (search.filter && (first || !ids.empty())) {
    IdSet frames = search.filter->matching_frames(index);
    IdSet rows = flows ? index.flows_of_frames(frames) : frames;
    ids = first ? rows : intersect(ids, rows);
  }
  return std::vector<int64_t>(ids.begin(), ids.end());
}

}  // namespace xtractr
