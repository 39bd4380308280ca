// search_index.h — read access to a capture's Xapian search index (see search_terms.h).
//
// Usage (the evaluators; SQL reaches it through packets()/flows() and the catalogs):
//
//   SearchIndex index(member);                        // opens <index dir>/search
//   IdSet hosts = index.frames_with("http.host");     // SELECT * FROM packets('x.pcap', 'http.host:*')
//   IdSet flows = index.flows_of_frames(hosts);
//
// How it works: opens `<index dir>/search` read-only together with its field table, and
// offers the few primitives the evaluators need: posting lists of terms, expansion of a term
// prefix, a scan of a packets-table column, and the mapping between frames and flows (from index.db).
// Dense terms stored as their complement (search_terms.h) are turned back here, so no caller
// ever sees a "!" term: their postings are all frames minus the complement's, their frame
// count is frames() minus the complement's. So are the implied packet columns (search_terms.h,
// kImpliedColumns): the frames of "V<pkt.src>:x" are those of the stored term plus those of
// its sources' terms ("V<ip.src>:x", "V<ipv6.src>:x") that lack the column's marker, and the
// listing of a column's terms is the union of its own and its sources' values; the
// primitives below answer for the terms as if every frame spelled its columns.
#pragma once

#include <xapian.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/capture_collection.h"
#include "index/search_terms.h"
#include "search/id_set.h"

namespace xtractr {

class SearchIndex {
 public:
  explicit SearchIndex(const CollectionMember &member);

  const CollectionMember &member() const { return member_; }
  uint32_t frames() const { return uint32_t(member_.index->summary().frames); }
  uint32_t flows() const { return uint32_t(member_.index->summary().flows); }
  std::optional<uint32_t> field(const std::string &name) const;
  const SearchField &field_info(uint32_t id) const { return fields_[id]; }
  const std::vector<SearchField> &fields() const { return fields_; }

  // The frames carrying field `name` (aliases followed, see search_terms.h).
  IdSet frames_with(const std::string &name);
  // True when frames_with(name) is exact, not a superset (kFieldImplied).
  bool exact_presence(const std::string &name) const;
  // True when every value of `name` in this capture is spelled as a V term.
  bool spelled(const std::string &name) const;
  // True when the P term of `name` marks exactly the frames with a value no V term spells (a
  // value too long, empty, or of a kind without V terms): V terms plus P term are a superset
  // of any value test. False for implied and derived fields and fields the capture lacks.
  bool marks_unspelled(const std::string &name) const;

  // Frames carrying `term`, added to `out` (unsorted when called repeatedly: normalise()).
  void add_postings(const std::string &term, IdSet &out);
  IdSet postings(const std::string &term);
  // How many frames carry `term` (a complemented term's count turned back).
  uint32_t term_frames(const std::string &term);
  // The frames of `ids` (sorted) that carry at least one of `terms`: a membership test that
  // skips through each posting list (Xapian's skip_to) instead of reading it whole, for a term
  // far more frequent than `ids` are many (tcp.flags.ack == 1 in a conjunction).
  IdSet keep_carrying(const IdSet &ids, const std::vector<std::string> &terms);
  // Every term beginning with `prefix`, with its frame count, in term order.
  void for_each_term(const std::string &prefix, const std::function<void(const std::string &, uint32_t)> &visit);

  // Frames → the flows they belong to (their own and the tunnels they travel in); flows →
  // their frames (a tunnel's: the frames it carries).
  IdSet flows_of_frames(const IdSet &frames);
  IdSet frames_of_flows(const IdSet &flows);
  // The frames whose packets-table column `column` (flow, dir, time) satisfies `keep`.
  IdSet scan_packets_column(const char *column, const std::function<bool(double)> &keep);

 private:
  // A Xapian error reading the index: an error naming the capture; the cache forgets it.
  [[noreturn]] void damaged(const Xapian::Error &e) const;
  // flows.tunnel by flow id (0: none), loaded once; empty when the capture has no tunnels.
  const std::vector<uint32_t> &tunnel_of();

  // The terms as stored: complements turned back, implied columns not (the public primitives
  // above are these plus the implied columns).
  void add_stored_postings(const std::string &term, IdSet &out);
  uint32_t stored_frames(const std::string &term);
  IdSet keep_carrying_stored(const IdSet &ids, const std::vector<std::string> &terms);
  void for_each_stored_term(const std::string &prefix, const std::function<void(const std::string &, uint32_t)> &visit);

  // An implied packet column of this capture (search_terms.h).
  struct ImpliedTerms {
    std::string prefix;                       // the column's value prefix, "V<id>:"
    std::vector<std::string> sources;         // the value prefixes of its sources this capture has
    std::string marker;                       // explicit_term(): the frames that spell the column
    std::optional<std::vector<bool>> marked;  // by frame number, read on first use
    IdSet marked_ids;
  };
  // The implied column whose value term `term` is, or nullptr.
  ImpliedTerms *implied_of(const std::string &term);
  const std::vector<bool> &marked(ImpliedTerms &column);
  // How many frames carrying the stored `term` have `column`'s marker.
  uint32_t marked_among(ImpliedTerms &column, const std::string &term);

  const CollectionMember &member_;
  uint32_t frames_;
  Xapian::Database db_;
  std::vector<SearchField> fields_;
  std::unordered_map<std::string, uint32_t> by_name_;
  std::optional<std::vector<uint32_t>> tunnel_of_;
  std::set<std::string> complemented_;  // terms stored as "!<term>" (search_terms.h)
  std::vector<ImpliedTerms> implied_;
};

}  // namespace xtractr
