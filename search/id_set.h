// id_set.h — sorted sets of local row ids (frame numbers or flow ids) and their algebra.
//
// Usage: IdSet both = intersect(a, b), either = unite(a, b), others = complement(a, frames);
// what `SELECT * FROM packets('x.pcap', 'a:1 b:2')` computes before it reads any row.
//
// How it works: a set is a sorted, duplicate-free std::vector<uint32_t>; and/or/not are
// linear merges (not is the complement within 1..universe). The search evaluators build
// their answers bottom-up with these, and index_table scans exactly the ids of the result.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

namespace xtractr {

using IdSet = std::vector<uint32_t>;

inline void normalise(IdSet &s) {
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
}

inline IdSet intersect(const IdSet &a, const IdSet &b) {
  IdSet out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

inline IdSet unite(const IdSet &a, const IdSet &b) {
  IdSet out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

inline IdSet complement(const IdSet &a, uint32_t universe) {
  IdSet out;
  out.reserve(universe - std::min<size_t>(universe, a.size()));
  size_t k = 0;
  for (uint32_t id = 1; id <= universe; ++id) {
    while (k < a.size() && a[k] < id) ++k;
    if (k < a.size() && a[k] == id) continue;
    out.push_back(id);
  }
  return out;
}

inline IdSet everything(uint32_t universe) {
  IdSet out(universe);
  for (uint32_t i = 0; i < universe; ++i) out[i] = i + 1;
  return out;
}

}  // namespace xtractr
