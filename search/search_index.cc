// search_index.cc — see search_index.h.
#include "search/search_index.h"

#include <unistd.h>

#include <algorithm>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "index/flow_frames.h"

namespace xtractr {

SearchIndex::SearchIndex(const CollectionMember &member)
    : member_(member), frames_(uint32_t(member.index->summary().frames)) {
  std::string path = member.index->summary().directory + "/search";
  if (access((path + "/iamglass").c_str(), R_OK) != 0) {
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

void SearchIndex::add_postings(const std::string &term, IdSet &out) {
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
  return out;  // a posting list is in docid order already
}

uint32_t SearchIndex::term_frames(const std::string &term) {
  try {
    if (!complemented_.count(term)) return db_.get_termfreq(term);
    return frames_ - std::min(frames_, uint32_t(db_.get_termfreq(complement_term(term))));
  } catch (const Xapian::Error &e) {
    damaged(e);
  }
}

IdSet SearchIndex::keep_carrying(const IdSet &ids, const std::vector<std::string> &terms) {
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
