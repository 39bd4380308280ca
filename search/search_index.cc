// search_index.cc — see search_index.h.
#include "search/search_index.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "index/flow_frames.h"

namespace xtractr {

SearchIndex::SearchIndex(const CollectionMember &member)
    : member_(member), frames_(uint32_t(member.index->summary().frames)) {
  std::string path = member.index->summary().directory + "/search";
  if (access((path + "/XAPIANDB").c_str(), R_OK) != 0) {  // the stub listing the shards, written last
    CaptureIndex::forget(member.index->capture());
    throw UserError("the index of '" + member.index->capture() + "' has no search index (" + path +
                    "); the next query verifies and rebuilds it");
  }
  try {
    db_ = Xapian::Database(path);
    fields_ = decode_fields(db_.get_metadata("fields"));
    for (std::string &term : decode_terms(db_.get_metadata("complemented"))) complemented_.insert(std::move(term));
  } catch (const Xapian::Error &e) {
    damaged(e);
  }
  for (uint32_t i = 0; i < fields_.size(); ++i) by_name_.emplace(fields_[i].name, i);
  for (const ImpliedColumn &c : kImpliedColumns) {
    auto id = field(c.column);
    if (!id) continue;
    ImpliedTerms column;
    column.prefix = value_prefix(*id);
    column.marker = explicit_term(*id);
    for (const char *source : c.sources)
      if (auto from = source ? field(source) : std::nullopt) column.sources.push_back(value_prefix(*from));
    implied_.push_back(std::move(column));
  }
}

std::optional<uint32_t> SearchIndex::field(const std::string &name) const {
  auto found = by_name_.find(name);
  if (found == by_name_.end()) return std::nullopt;
  return found->second;
}

IdSet SearchIndex::frames_with(const std::string &name) {
  if (const FieldAlias *alias = find_alias(name)) {
    IdSet out;
    for (const char *target : alias->targets)
      if (target) out = unite(out, frames_with(target));
    return out;
  }
  auto id = field(name);
  if (!id) return {};
  IdSet out;
  const SearchField &f = fields_[*id];
  if (f.flags & kFieldImplied)
    for (int32_t parent : f.parents)  // a superset: the frames of its protocols
      if (parent >= 0 && size_t(parent) < fields_.size()) out = unite(out, frames_with(fields_[size_t(parent)].name));
  add_postings(presence_term(*id), out);
  for_each_term(value_prefix(*id), [&](const std::string &term, uint32_t) { add_postings(term, out); });
  normalise(out);
  return out;
}

bool SearchIndex::exact_presence(const std::string &name) const {
  if (const FieldAlias *alias = find_alias(name)) {
    // a derived field (eth.dst.oui_resolved) can be absent where its target is present
    if (!alias->same_values) return false;
    for (const char *t : alias->targets)
      if (t && !exact_presence(t)) return false;
    return true;
  }
  auto id = field(name);
  return !id || !(fields_[*id].flags & kFieldImplied);
}

bool SearchIndex::spelled(const std::string &name) const {
  auto id = field(name);
  return id && !(fields_[*id].flags & (kFieldIncomplete | kFieldDerived));
}

bool SearchIndex::marks_unspelled(const std::string &name) const {
  auto id = field(name);
  return id && !(fields_[*id].flags & (kFieldImplied | kFieldDerived));
}

void SearchIndex::damaged(const Xapian::Error &e) const {
  // the files were verified when the index was opened (index_checksums.h): damaged since,
  // or in a way checksums cannot see. The next query verifies again and rebuilds.
  CaptureIndex::forget(member_.index->capture());
  throw UserError("the search index of '" + member_.index->capture() + "' is damaged (" + e.get_description() +
                  "); the next query verifies and rebuilds it");
}

SearchIndex::ImpliedTerms *SearchIndex::implied_of(const std::string &term) {
  if (term.empty() || term[0] != 'V') return nullptr;
  for (ImpliedTerms &c : implied_)
    if (term.compare(0, c.prefix.size(), c.prefix) == 0) return &c;
  return nullptr;
}

const std::vector<bool> &SearchIndex::marked(ImpliedTerms &column) {
  if (!column.marked) {
    IdSet ids;
    add_stored_postings(column.marker, ids);
    column.marked.emplace(size_t(frames_) + 1, false);
    for (uint32_t id : ids)
      if (id <= frames_) (*column.marked)[id] = true;
    column.marked_ids = std::move(ids);
  }
  return *column.marked;
}

uint32_t SearchIndex::marked_among(ImpliedTerms &column, const std::string &term) {
  const std::vector<bool> &is_marked = marked(column);
  if (column.marked_ids.empty()) return 0;
  // walk the shorter list: the few marked frames (skipping through the term's postings), or
  // the term's frames (looked up in the marks)
  if (column.marked_ids.size() < stored_frames(term))
    return uint32_t(keep_carrying_stored(column.marked_ids, {term}).size());
  IdSet ids;
  add_stored_postings(term, ids);
  return uint32_t(std::count_if(ids.begin(), ids.end(), [&](uint32_t id) { return id <= frames_ && is_marked[id]; }));
}

void SearchIndex::add_postings(const std::string &term, IdSet &out) {
  add_stored_postings(term, out);
  ImpliedTerms *column = implied_of(term);
  if (!column) return;
  const std::string value = term.substr(column->prefix.size());
  const std::vector<bool> &is_marked = marked(*column);
  IdSet from;
  for (const std::string &source : column->sources) {
    from.clear();
    add_stored_postings(source + value, from);
    for (uint32_t id : from)
      if (id > frames_ || !is_marked[id]) out.push_back(id);
  }
}

void SearchIndex::add_stored_postings(const std::string &term, IdSet &out) {
  try {
    if (!complemented_.count(term)) {
      for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) out.push_back(*it);
      return;
    }
    const std::string stored = complement_term(term);
    uint32_t next = 1;  // every frame from `next` up to the complement's next posting carries `term`
    for (auto it = db_.postlist_begin(stored); it != db_.postlist_end(stored); ++it) {
      for (; next < *it; ++next) out.push_back(next);
      next = *it + 1;
    }
    for (; next <= frames_; ++next) out.push_back(next);
  } catch (const Xapian::Error &e) {
    damaged(e);
  }
}

IdSet SearchIndex::postings(const std::string &term) {
  IdSet out;
  add_postings(term, out);
  if (implied_of(term)) normalise(out);  // else a posting list is in docid order already
  return out;
}

uint32_t SearchIndex::term_frames(const std::string &term) {
  uint32_t frames = stored_frames(term);
  ImpliedTerms *column = implied_of(term);
  if (!column) return frames;
  // the sources' frames without the marker: disjoint from the stored term's, and from each other
  const std::string value = term.substr(column->prefix.size());
  for (const std::string &source : column->sources)
    frames += stored_frames(source + value) - marked_among(*column, source + value);
  return frames;
}

uint32_t SearchIndex::stored_frames(const std::string &term) {
  try {
    if (!complemented_.count(term)) return db_.get_termfreq(term);
    return frames_ - std::min(frames_, uint32_t(db_.get_termfreq(complement_term(term))));
  } catch (const Xapian::Error &e) {
    damaged(e);
  }
}

IdSet SearchIndex::keep_carrying(const IdSet &ids, const std::vector<std::string> &terms) {
  IdSet out;
  for (const std::string &term : terms) {
    ImpliedTerms *column = implied_of(term);
    if (!column || column->sources.empty()) continue;
    // the unmarked frames carrying a source's term
    const std::vector<bool> &is_marked = marked(*column);
    IdSet unmarked;
    for (uint32_t id : ids)
      if (id > frames_ || !is_marked[id]) unmarked.push_back(id);
    std::vector<std::string> from;
    for (const std::string &source : column->sources) from.push_back(source + term.substr(column->prefix.size()));
    out = unite(out, keep_carrying_stored(unmarked, from));
  }
  return unite(out, keep_carrying_stored(ids, terms));
}

IdSet SearchIndex::keep_carrying_stored(const IdSet &ids, const std::vector<std::string> &terms) {
  std::vector<bool> carries(ids.size(), false);
  try {
    for (const std::string &term : terms) {
      // a complemented term is carried by the frames its stored complement lacks
      const bool complemented = complemented_.count(term) != 0;
      const std::string stored = complemented ? complement_term(term) : term;
      Xapian::PostingIterator it = db_.postlist_begin(stored), end = db_.postlist_end(stored);
      for (size_t i = 0; i < ids.size(); ++i) {
        if (it != end) it.skip_to(ids[i]);
        const bool listed = it != end && *it == ids[i];
        if (listed != complemented) carries[i] = true;
      }
    }
  } catch (const Xapian::Error &e) {
    damaged(e);
  }
  IdSet out;
  for (size_t i = 0; i < ids.size(); ++i)
    if (carries[i]) out.push_back(ids[i]);
  return out;
}

void SearchIndex::for_each_term(const std::string &prefix,
                                const std::function<void(const std::string &, uint32_t)> &visit) {
  // the terms of the implied columns within `prefix`: their own values and their sources'
  std::map<std::string, uint32_t> implied;
  for (ImpliedTerms &c : implied_) {
    std::string from;  // the values wanted begin with this
    if (prefix.compare(0, c.prefix.size(), c.prefix) == 0)
      from = prefix.substr(c.prefix.size());
    else if (c.prefix.compare(0, prefix.size(), prefix) != 0)
      continue;
    std::set<std::string> values;
    auto collect = [&](const std::string &value_prefix) {
      for_each_stored_term(value_prefix + from,
                           [&](const std::string &term, uint32_t) { values.insert(term.substr(value_prefix.size())); });
    };
    collect(c.prefix);
    for (const std::string &source : c.sources) collect(source);
    for (const std::string &value : values)
      if (uint32_t frames = term_frames(c.prefix + value)) implied.emplace(c.prefix + value, frames);
  }
  if (implied.empty()) return for_each_stored_term(prefix, visit);
  auto next = implied.begin();
  for_each_stored_term(prefix, [&](const std::string &term, uint32_t frames) {
    if (implied_of(term)) return;  // visited from `implied`
    for (; next != implied.end() && next->first < term; ++next) visit(next->first, next->second);
    visit(term, frames);
  });
  for (; next != implied.end(); ++next) visit(next->first, next->second);
}

void SearchIndex::for_each_stored_term(const std::string &prefix,
                                       const std::function<void(const std::string &, uint32_t)> &visit) {
  try {
    // the stored terms and the complemented ones, merged in term order
    auto dense = complemented_.lower_bound(prefix);
    auto dense_left = [&] { return dense != complemented_.end() && dense->compare(0, prefix.size(), prefix) == 0; };
    auto visit_dense = [&] {
      visit(*dense, frames_ - db_.get_termfreq(complement_term(*dense)));
      ++dense;
    };
    for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) {
      const std::string term = *it;
      if (term[0] == '!') continue;  // a complement: visited as its term
      while (dense_left() && *dense < term) visit_dense();
      visit(term, it.get_termfreq());
    }
    while (dense_left()) visit_dense();
  } catch (const Xapian::Error &e) {
    damaged(e);
  }
}

const std::vector<uint32_t> &SearchIndex::tunnel_of() {
  if (!tunnel_of_) {
    tunnel_of_.emplace();
    Statement s(member_.index->db(), "SELECT id, tunnel FROM flows WHERE tunnel IS NOT NULL");
    while (s.step()) {
      const auto id = size_t(s.integer(0));
      if (id >= tunnel_of_->size()) tunnel_of_->resize(std::max(size_t(flows()) + 1, id + 1), 0);
      (*tunnel_of_)[id] = uint32_t(s.integer(1));
    }
  }
  return *tunnel_of_;
}

IdSet SearchIndex::flows_of_frames(const IdSet &frames) {
  IdSet out;
  if (frames.empty()) return out;
  sqlite3 *db = member_.index->db();
  // a frame's own flow, and the innermost tunnel it travels in
  auto add = [&out](Statement &s, int flow, int tunnel) {
    if (!s.is_null(flow) && s.integer(flow) >= 1) out.push_back(uint32_t(s.integer(flow)));
    if (!s.is_null(tunnel) && s.integer(tunnel) >= 1) out.push_back(uint32_t(s.integer(tunnel)));
  };
  if (frames.size() < frames_ / 16 + 1000) {
    Statement s(db, "SELECT flow, tunnel FROM packets WHERE id = ?1");
    for (uint32_t frame : frames) {
      s.bind(1, int64_t(frame));
      if (s.step()) add(s, 0, 1);
      s.reset();
    }
  } else {
    Statement s(db, "SELECT id, flow, tunnel FROM packets ORDER BY id");
    size_t k = 0;
    while (k < frames.size() && s.step()) {
      uint32_t id = uint32_t(s.integer(0));
      while (k < frames.size() && frames[k] < id) ++k;
      if (k < frames.size() && frames[k] == id) add(s, 1, 2);
    }
  }
  // the tunnels those tunnels travel in (GRE around VXLAN ...)
  const std::vector<uint32_t> &tunnel = tunnel_of();
  for (size_t i = 0; i < out.size() && !tunnel.empty(); ++i)
    if (out[i] < tunnel.size() && tunnel[out[i]]) out.push_back(tunnel[out[i]]);
  normalise(out);
  return out;
}

IdSet SearchIndex::frames_of_flows(const IdSet &flows) {
  IdSet out;
  if (flows.empty()) return out;
  // the tunnels among them, and the tunnels inside those: frames name their innermost one
  IdSet tunnels;
  const std::vector<uint32_t> &tunnel = tunnel_of();
  if (!tunnel.empty()) {
    std::vector<bool> wanted(tunnel.size(), false);
    for (uint32_t f : flows)
      if (f < wanted.size()) wanted[f] = true;
    for (uint32_t f = 1; f < tunnel.size(); ++f)
      for (uint32_t up = tunnel[f], depth = 0; up && up < tunnel.size() && !wanted[f] && depth < tunnel.size();
           up = tunnel[up], ++depth)
        if (wanted[up]) wanted[f] = true;
    for (uint32_t f = 1; f < wanted.size(); ++f)
      if (wanted[f]) tunnels.push_back(f);
  }
  if (flows.size() + tunnels.size() <= 2000) {
    // few flows: their frame lists (flow_frames.h) and the packets_by_tunnel index
    FlowFrames frames(member_.index->db());
    for (uint32_t flow : flows)
      for (int64_t id : frames.of(flow)) out.push_back(uint32_t(id));
    Statement t(member_.index->db(), "SELECT id FROM packets WHERE tunnel = ?1");
    for (uint32_t flow : tunnels) {
      t.bind(1, int64_t(flow));
      while (t.step()) out.push_back(uint32_t(t.integer(0)));
      t.reset();
    }
    normalise(out);
    return out;
  }
  std::vector<bool> wanted(size_t(flows.back()) + 1, false), carried(tunnel.size(), false);
  for (uint32_t f : flows) wanted[f] = true;
  for (uint32_t f : tunnels) carried[f] = true;
  Statement s(member_.index->db(), "SELECT id, flow, tunnel FROM packets ORDER BY id");
  while (s.step()) {
    const int64_t flow = s.is_null(1) ? 0 : s.integer(1), in = s.is_null(2) ? 0 : s.integer(2);
    if ((flow >= 1 && size_t(flow) < wanted.size() && wanted[size_t(flow)]) ||
        (in >= 1 && size_t(in) < carried.size() && carried[size_t(in)]))
      out.push_back(uint32_t(s.integer(0)));
  }
  return out;
}

IdSet SearchIndex::scan_packets_column(const char *column, const std::function<bool(double)> &keep) {
  IdSet out;
  Statement s(member_.index->db(), std::string("SELECT id, ") + column + " FROM packets ORDER BY id");
  while (s.step())
    if (!s.is_null(1) && keep(s.real(1))) out.push_back(uint32_t(s.integer(0)));
  return out;
}

}  // namespace xtractr
