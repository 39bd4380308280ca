// filter_candidates.cc — see filter_candidates.h.
#include "search/filter_candidates.h"

#include <cstdlib>

#include "index/payload_grams.h"
#include "search/search_index.h"

namespace xtractr {

namespace {

using Plan = FilterPlan;

// frame.number == N / in {...}: the document ids themselves.
Candidates frame_number_candidates(const Plan &plan, SearchIndex &index) {
  IdSet ids;
  for (const std::string &v : plan.values) {
    uint64_t n = std::strtoull(v.c_str(), nullptr, 10);
    if (n >= 1 && n <= index.frames() && v[0] != '-') ids.push_back(uint32_t(n));
  }
  normalise(ids);
  return {std::move(ids), true};
}

// The names whose value terms spell the field's values: the field itself, or the fields an
// alias stands for (none when the alias's values are spelled differently).
std::vector<std::string> spelled_as(const Plan &plan) {
  std::vector<std::string> out;
  if (const FieldAlias *alias = find_alias(plan.field)) {
    if (alias->same_values)
      for (const char *t : alias->targets)
        if (t) out.push_back(t);
  } else {
    out.push_back(plan.field);
  }
  return out;
}

// Every value term of `names` that passes the plan's scan.
Candidates scan_candidates(const Plan &plan, SearchIndex &index, const std::vector<std::string> &names) {
  IdSet acc;
  for (const std::string &name : names) {
    auto id = index.field(name);
    if (!id) continue;
    std::string prefix = value_prefix(*id);
    index.for_each_term(prefix, [&](const std::string &term, uint32_t) {
      if (scan_matches(plan, std::string_view(term).substr(prefix.size()))) index.add_postings(term, acc);
    });
  }
  normalise(acc);
  return {std::move(acc), true};  // string values are spelled as they are: `contains` too is exact
}

// The value terms of the plan's values (a boolean's `true`: every non-zero term).
Candidates value_candidates(const Plan &plan, SearchIndex &index, const std::vector<std::string> &names) {
  IdSet acc;
  bool exact = plan.exact_values;
  for (const std::string &name : names) {
    auto id = index.field(name);
    if (!id) continue;
    std::string prefix = value_prefix(*id);
    for (const std::string &v : plan.values) {
      if (v != kTrueValue) {
        index.add_postings(prefix + v, acc);
        continue;
      }
      index.for_each_term(prefix, [&](const std::string &term, uint32_t) {
        std::string_view value = std::string_view(term).substr(prefix.size());
        if (value == "0") return;
        if (value != "1") exact = false;  // a multi-bit flag: let Wireshark judge
        index.add_postings(term, acc);
      });
    }
  }
  normalise(acc);
  exact = exact || acc.empty();
  return {std::move(acc), exact};
}

// The value terms that pass the plan, plus, for fields some of whose values have no V term,
// the frames their P term marks (to be checked).
Candidates by_value_candidates(const Plan &plan, SearchIndex &index, const std::vector<std::string> &names) {
  Candidates c =
      plan.scan != Plan::Scan::None ? scan_candidates(plan, index, names) : value_candidates(plan, index, names);
  IdSet unspelled;
  for (const std::string &name : names)
    if (auto id = index.field(name); id && !index.spelled(name)) index.add_postings(presence_term(*id), unspelled);
  if (unspelled.empty()) return c;
  normalise(unspelled);
  return {unite(c.ids, unspelled), false};
}

Candidates field_presence_or_values(const Plan &plan, SearchIndex &index) {
  if (plan.by_frame_number && plan.by_value) return frame_number_candidates(plan, index);
  const std::vector<std::string> names = spelled_as(plan);
  bool by_value = (plan.by_value || plan.scan != Plan::Scan::None) && !names.empty();
  for (const std::string &name : names)
    if (index.field(name) && !index.spelled(name) && !index.marks_unspelled(name)) by_value = false;
  if (by_value) return by_value_candidates(plan, index, names);
  IdSet ids = index.frames_with(plan.field);
  bool exact = (plan.existence && index.exact_presence(plan.field)) || ids.empty();
  return {std::move(ids), exact};
}

Candidates field_candidates(const Plan &plan, SearchIndex &index) {
  Candidates c = field_presence_or_values(plan, index);
  if (plan.payload_needle.empty()) return c;
  // `frame`/`tcp.payload`/`udp.payload` contains a needle: only the frames the payload index
  // allows (payload_grams.h), each still checked exactly; all of them without a payload index
  if (auto frames = payload_candidates(index.member().index->db(), plan.payload_needle, false)) {
    c.ids = intersect(c.ids, *frames);
    c.exact = c.ids.empty();
  }
  return c;
}

}  // namespace

Candidates candidates(const FilterPlan &plan, SearchIndex &index) {
  switch (plan.kind) {
    case Plan::Kind::All:
      return {everything(index.frames()), false};
    case Plan::Kind::And: {
      Candidates acc = candidates(*plan.children[0], index);
      for (size_t i = 1; i < plan.children.size() && !acc.ids.empty(); ++i) {
        Candidates c = candidates(*plan.children[i], index);
        acc.ids = intersect(acc.ids, c.ids);
        acc.exact = acc.exact && c.exact;
      }
      if (acc.ids.empty()) acc.exact = true;  // a superset that is empty: nothing matches
      return acc;
    }
    case Plan::Kind::Or: {
      Candidates acc{{}, true};
      for (const auto &child : plan.children) {
        Candidates c = candidates(*child, index);
        acc.ids = unite(acc.ids, c.ids);
        acc.exact = acc.exact && c.exact;
      }
      return acc;
    }
    case Plan::Kind::Not: {
      Candidates c = candidates(*plan.children[0], index);
      if (!c.exact) return {everything(index.frames()), false};  // the complement of a superset is no superset
      return {complement(c.ids, index.frames()), true};
    }
    case Plan::Kind::Field:
      return field_candidates(plan, index);
  }
  return {{}, false};
}

}  // namespace xtractr
