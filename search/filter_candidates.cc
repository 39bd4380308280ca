// filter_candidates.cc — see filter_candidates.h.
#include "search/filter_candidates.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

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
  IdSet unsliced;
  if (auto frames = payload_candidates(index.member().index->db(), plan.payload_needle, false, &unsliced)) {
    c.ids = intersect(c.ids, *frames);
    c.exact = c.ids.empty();
    c.unsliced = intersect(c.ids, unsliced);
  } else {
    c.unsliced = c.ids;  // no payload index: nothing is known of where the payloads lie
  }
  return c;
}

// A Field node answered by the postings of a few value terms (`==`/`in`, no scan, every value
// spelled, no payload needle): those terms, how exact they are, and how many frames carry them.
struct TermTest {
  std::vector<std::string> terms;
  bool exact;
  uint64_t frames = 0;
};

std::optional<TermTest> term_test(const Plan &plan, SearchIndex &index) {
  if (plan.kind != Plan::Kind::Field || !plan.by_value || plan.by_frame_number || plan.scan != Plan::Scan::None ||
      !plan.payload_needle.empty())
    return std::nullopt;
  TermTest test{{}, plan.exact_values};
  for (const std::string &name : spelled_as(plan)) {
    auto id = index.field(name);
    if (!id) continue;
    if (!index.spelled(name)) return std::nullopt;  // frames with unspelled values are candidates too
    const std::string prefix = value_prefix(*id);
    for (const std::string &v : plan.values) {
      if (v != kTrueValue) {
        test.terms.push_back(prefix + v);
        continue;
      }
      index.for_each_term(prefix, [&](const std::string &term, uint32_t) {  // as value_candidates
        std::string_view value = std::string_view(term).substr(prefix.size());
        if (value == "0") return;
        if (value != "1") test.exact = false;
        test.terms.push_back(term);
      });
    }
  }
  if (test.terms.empty()) return std::nullopt;
  for (const std::string &term : test.terms) test.frames += index.term_frames(term);
  return test;
}

// A term test is applied to the conjunction's candidates (keep_carrying) rather than read whole
// when its terms are carried by this many times more frames than there are candidates.
constexpr uint64_t kCheckRatio = 8;

// And: the children answered by value terms first, least frequent first, so that a dense one
// (tcp.flags.ack == 1: most TCP frames) only tests the few candidates the others left; then the
// others. The same sets are intersected as in any order, so exactness is unchanged.
Candidates and_candidates(const Plan &plan, SearchIndex &index) {
  struct Step {
    const Plan *child;
    std::optional<TermTest> test;
  };
  std::vector<Step> order;
  for (const auto &child : plan.children) order.push_back({child.get(), term_test(*child, index)});
  auto frames = [](const Step &s) { return s.test ? s.test->frames : UINT64_MAX; };
  std::stable_sort(order.begin(), order.end(), [&](const Step &a, const Step &b) { return frames(a) < frames(b); });
  Candidates acc{{}, true};
  bool first = true;
  for (const Step &step : order) {
    if (!first && acc.ids.empty()) break;
    if (!first && step.test && step.test->frames > kCheckRatio * acc.ids.size()) {
      acc.ids = index.keep_carrying(acc.ids, step.test->terms);
      acc.exact = acc.exact && step.test->exact;
      continue;
    }
    Candidates c = candidates(*step.child, index);
    acc.ids = first ? std::move(c.ids) : intersect(acc.ids, c.ids);
    acc.exact = acc.exact && c.exact;
    first = false;
  }
  if (acc.ids.empty()) acc.exact = true;  // a superset that is empty: nothing matches
  return acc;
}

}  // namespace

Candidates candidates(const FilterPlan &plan, SearchIndex &index) {
  switch (plan.kind) {
    case Plan::Kind::All:
      return {everything(index.frames()), false};
    case Plan::Kind::And:
      return and_candidates(plan, index);
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
