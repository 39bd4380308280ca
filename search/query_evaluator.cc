// query_evaluator.cc — see query_evaluator.h.
#include "search/query_evaluator.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "dissect/field_names.h"
#include "dissect/wireshark_runtime.h"
#include "index/table_columns.h"
#include "search/stored_fields.h"
#include "search/stream_search.h"

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

namespace {

// The flow columns the query language names `flow.<name>`: the flows table's stored,
// visible columns (index/table_columns.h), in registry order.
const std::vector<int> &queried_flow_columns() {
  static const std::vector<int> columns = [] {
    std::vector<int> out;
    const TableColumns &t = flow_columns();
    for (size_t c = 0; c < t.count; ++c)
      if (is_stored(t.defs[c]) && is_visible(t.defs[c])) out.push_back(int(c));
    return out;
  }();
  return columns;
}

std::optional<double> number_of(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string s(text);
  errno = 0;
  char *end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || errno == ERANGE) return std::nullopt;
  return d;
}

// Digits with a sign or a point: a number as a user would write one (CIDR prefix lengths).
bool looks_numeric(std::string_view text) {
  return !text.empty() && text.find_first_not_of("+-.0123456789") == std::string_view::npos;
}

struct Address {
  int family = 0;
  unsigned char bytes[16] = {};
};

std::optional<Address> address_of(const std::string &text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (inet_pton(AF_INET6, text.c_str(), a.bytes) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

// One value of a query, compiled for testing normalised (lower-case) value text.
struct ValueTest {
  QueryValue::Kind kind;
  std::vector<std::string> pieces;  // lower-cased
  std::optional<double> low, high;
  bool low_inclusive = true, high_inclusive = true;
  std::optional<Address> network;
  int prefix_bits = 0;

  explicit ValueTest(const QueryValue &v) : kind(v.kind) {
    for (const auto &p : v.pieces) pieces.push_back(lower_ascii(p));
    if (kind == QueryValue::Kind::Range) {
      auto bound = [&](const std::string &b) -> std::optional<double> {
        if (b.empty()) return std::nullopt;
        auto n = number_of(b);
        // nan would pass every comparison (inf is a number: an open bound, like *)
        if (!n || std::isnan(*n))
          throw UserError("query error at column " + std::to_string(v.column) + ": '" + b + "' is not a number");
        return n;
      };
      low = bound(v.low);
      high = bound(v.high);
      low_inclusive = v.low_inclusive;
      high_inclusive = v.high_inclusive;
    }
    if (kind == QueryValue::Kind::Match && pieces.size() == 1) {
      size_t slash = pieces[0].find('/');
      if (slash != std::string::npos) {
        auto net = address_of(pieces[0].substr(0, slash));
        auto bits = number_of(pieces[0].substr(slash + 1));
        int max = net && net->family == AF_INET ? 32 : 128;
        if (net && bits && *bits >= 0 && *bits <= max && *bits == int(*bits)) {
          network = net;
          prefix_bits = int(*bits);
        } else if (net && looks_numeric(pieces[0].substr(slash + 1))) {
          // an address and a number: a CIDR block meant, with an impossible prefix length
          throw UserError("query error at column " + std::to_string(v.column) + ": '" + v.text() +
                          "' is not a CIDR block (the prefix length of an IPv" + (max == 32 ? "4" : "6") +
                          " address is 0 to " + std::to_string(max) + ")");
        }
      }
    }
  }

  bool exact() const { return kind == QueryValue::Kind::Match && pieces.size() == 1 && !network; }

  bool numeric_ok(double d) const {
    if (low && (low_inclusive ? d < *low : d <= *low)) return false;
    if (high && (high_inclusive ? d > *high : d >= *high)) return false;
    return true;
  }

  bool matches(std::string_view text) const {
    switch (kind) {
      case QueryValue::Kind::Any:
        return true;
      case QueryValue::Kind::Range: {
        auto d = number_of(text);
        return d && numeric_ok(*d);
      }
      case QueryValue::Kind::Match:
        if (network) {
          auto a = address_of(std::string(text));
          if (!a || a->family != network->family) return false;
          int full = prefix_bits / 8, rest = prefix_bits % 8;
          if (std::memcmp(a->bytes, network->bytes, size_t(full)) != 0) return false;
          if (rest == 0) return true;
          unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
          return (a->bytes[full] & mask) == (network->bytes[full] & mask);
        }
        if (pieces.size() == 1) {
          if (text == pieces[0]) return true;
          // decimals compare as numbers (80 = 80.0, 0.5 = 0.500000000), but digit strings that
          // are not decimals (bytes in hex, "0000" vs "00") compare as text
          if (text.find('.') == std::string_view::npos && pieces[0].find('.') == std::string::npos) return false;
          auto a = number_of(text), b = number_of(pieces[0]);
          return a && b && *a == *b;
        }
        return wildcard_match(pieces, text);
    }
    return false;
  }

  // For value slots and ids: a number.
  bool matches_number(double d) const {
    switch (kind) {
      case QueryValue::Kind::Any:
        return true;
      case QueryValue::Kind::Range:
        return numeric_ok(d);
      case QueryValue::Kind::Match: {
        if (pieces.size() != 1) return false;
        auto n = number_of(pieces[0]);
        return n && *n == d;
      }
    }
    return false;
  }
};

// Values are matched case-insensitively: text is lowered (numbers and hex already are).
std::string stored_text(const StoredValue &v) {
  if (v.kind == ValueKind::Text || v.kind == ValueKind::NumberText) return lower_ascii(v.bytes);
  return stored_value_text(v);
}

class Evaluator {
 public:
  Evaluator(SearchIndex &s, bool flows) : s_(s), flows_(flows) {}

  IdSet eval(const QueryNode &n) {
    switch (n.kind) {
      case QueryNode::Kind::And: {
        IdSet acc = eval(*n.children[0]);
        for (size_t i = 1; i < n.children.size() && !acc.empty(); ++i) acc = intersect(acc, eval(*n.children[i]));
        return acc;
      }
      case QueryNode::Kind::Or: {
        IdSet acc;
        for (const auto &c : n.children) acc = unite(acc, eval(*c));
        return acc;
      }
      case QueryNode::Kind::Not:
        return complement(eval(*n.children[0]), universe());
      case QueryNode::Kind::All:
        return everything(universe());
      case QueryNode::Kind::Word:
        return from_frames(word(n.word));
      case QueryNode::Kind::Term: {
        IdSet acc;
        for (const std::string &field : n.fields) acc = unite(acc, term(field, n));
        return acc;
      }
    }
    return {};
  }

 private:
  SearchIndex &s_;
  bool flows_;
  bool flow_rows_loaded_ = false;
  std::vector<std::vector<std::optional<std::string>>> flow_rows_;  // [flow-1][column]

  uint32_t universe() const { return flows_ ? s_.flows() : s_.frames(); }
  IdSet from_frames(IdSet frames) { return flows_ ? s_.flows_of_frames(frames) : frames; }
  IdSet from_flows(IdSet flows) { return flows_ ? flows : s_.frames_of_flows(flows); }

  [[noreturn]] static void fail(int column, const std::string &what) {
    throw UserError("query error at column " + std::to_string(column) + ": " + what);
  }

  IdSet term(const std::string &field, const QueryNode &n) {
    if (field == "stream") return from_flows(stream_term(n));
    if (field.compare(0, 5, "flow.") == 0) return from_flows(flow_term(field, n));
    return from_frames(frame_term(field, n));
  }

  // stream:"needle": the flows whose reassembled bytes hold it (stream_search.h)
  IdSet stream_term(const QueryNode &n) {
    IdSet acc;
    for (const QueryValue &v : n.values) {
      if (v.kind != QueryValue::Kind::Match || v.pieces.size() != 1 || v.pieces[0].empty())
        fail(v.column, "stream: takes the bytes to find, e.g. stream:\"User-Agent: curl\" (no wildcards, ranges or *)");
      acc = unite(acc, flows_with_stream_bytes(s_, v.pieces[0]));
    }
    return acc;
  }

  // ---- flow columns -------------------------------------------------------------------
  void load_flows() {
    if (flow_rows_loaded_) return;
    const TableColumns &t = flow_columns();
    Statement q(s_.member().index->db(), index_select_sql(t) + " ORDER BY id");
    const CollectionMember &m = s_.member();
    const std::vector<int> &columns = queried_flow_columns();
    while (q.step()) {
      std::vector<std::optional<std::string>> row(columns.size());
      for (size_t i = 0; i < columns.size(); ++i) {
        const int col = stored_column(t, columns[i]);
        if (q.is_null(col)) continue;
        // ids as the table shows them (a collection continues them from file to file)
        switch (t.defs[columns[i]].origin) {
          case ColumnOrigin::FlowId:
            row[i] = std::to_string(m.flow_base + q.integer(col));
            break;
          case ColumnOrigin::PacketId:
            row[i] = std::to_string(m.id_base + q.integer(col));
            break;
          default:
            row[i] = lower_ascii(q.text(col));
        }
      }
      flow_rows_.push_back(std::move(row));
    }
    flow_rows_loaded_ = true;
  }

  IdSet flow_term(const std::string &field, const QueryNode &n) {
    const std::vector<int> &columns = queried_flow_columns();
    int column = -1;
    for (size_t i = 0; i < columns.size(); ++i)
      if (field == std::string("flow.") + flow_columns().defs[columns[i]].name) column = int(i);
    if (column < 0) {
      std::string names;
      for (int c : columns) names += std::string(names.empty() ? "flow." : ", flow.") + flow_columns().defs[c].name;
      fail(n.column, "unknown flow column '" + field + "' (flow columns: " + names + ")");
    }
    std::vector<ValueTest> tests;
    for (const auto &v : n.values) tests.emplace_back(v);
    load_flows();
    IdSet out;
    for (size_t i = 0; i < flow_rows_.size(); ++i) {
      const auto &value = flow_rows_[i][size_t(column)];
      if (!value) continue;
      for (const auto &t : tests)
        if (t.matches(*value)) {
          out.push_back(uint32_t(i + 1));
          break;
        }
    }
    return out;
  }

  // ---- frame fields -------------------------------------------------------------------
  IdSet frame_term(const std::string &field, const QueryNode &n) {
    std::vector<ValueTest> tests;
    for (const auto &v : n.values) tests.emplace_back(v);
    if (field == "pkt.id" || field == "pkt.time" || field == "pkt.flow" || field == "pkt.dir") {
      IdSet out;
      for (const auto &t : tests) {
        if (t.kind == QueryValue::Kind::Match && t.pieces.size() != 1)
          fail(n.column, "wildcards do not apply to the number " + field);
        IdSet part;
        if (field == "pkt.id") {
          // ids as the table shows them: in a collection they continue from file to file
          const int64_t base = s_.member().id_base;
          if (t.kind == QueryValue::Kind::Match) {  // one id
            if (auto n = number_of(t.pieces[0]);
                n && *n == std::floor(*n) && *n - double(base) >= 1 && *n - double(base) <= s_.frames())
              part.push_back(uint32_t(*n - double(base)));
          } else {
            for (uint32_t id = 1; id <= s_.frames(); ++id)
              if (t.matches_number(double(base + id))) part.push_back(id);
          }
        } else {
          const double base = field == "pkt.flow" ? double(s_.member().flow_base) : 0;
          const char *column = field == "pkt.flow" ? "flow" : field == "pkt.time" ? "time" : "dir";
          part = s_.scan_packets_column(column, [&](double d) { return t.matches_number(d + base); });
        }
        out = unite(out, part);
      }
      return out;
    }
    return frame_values(field, tests, n.column);
  }

  // The frames carrying `field` with a value passing one of `tests`.
  IdSet frame_values(const std::string &field, const std::vector<ValueTest> &tests, int column) {
    const FieldAlias *alias = find_alias(field);
    auto id = s_.field(field);
    if (!alias && !id) {
      if (field.compare(0, 4, "pkt.") == 0) {
        std::string names = "pkt.id, pkt.time, pkt.flow, pkt.dir";
        for (int i = 0; i < kPacketColumnFieldCount; ++i) names += std::string(", ") + kPacketColumnFields[i];
        fail(column, "unknown packet column '" + field + "' (packet columns: " + names + ")");
      }
      check_known_field(field, column);
      return {};
    }
    bool targets_spelled = alias && alias->same_values;
    if (alias)
      for (const char *t : alias->targets)
        if (t && s_.field(t) && !s_.spelled(t)) targets_spelled = false;
    IdSet out;
    std::optional<IdSet> carriers;
    for (const auto &t : tests) {
      if (t.kind == QueryValue::Kind::Any) {
        if (!carriers) carriers = s_.frames_with(field);
        out = unite(out, s_.exact_presence(field) ? *carriers : from_stored_values(*carriers, field, t));
      } else if (targets_spelled) {
        for (const char *target : alias->targets)
          if (target) out = unite(out, frame_values(target, {t}, column));
      } else if (!alias && s_.spelled(field)) {
        out = unite(out, from_terms(*id, t));
      } else if (!alias && s_.marks_unspelled(field)) {
        // the values V terms spell, and the frames whose value they do not, checked
        IdSet unspelled = s_.postings(presence_term(*id));
        out = unite(out, unite(from_terms(*id, t), from_stored_values(unspelled, field, t)));
      } else {
        if (!carriers) carriers = s_.frames_with(field);
        out = unite(out, from_stored_values(*carriers, field, t));
      }
    }
    return out;
  }

  static void check_known_field(const std::string &field, int column) {
    if (!is_wireshark_field(field))
      fail(column, unknown_field_message(field, {}, "not a Wireshark field, a pkt.* or a flow.* column"));
  }

  // Values match case-insensitively: a string value with capitals is found by its F term, the
  // lower-cased spelling (search_terms.h), the others by their V term.
  IdSet from_terms(uint32_t id, const ValueTest &t) {
    IdSet out;
    for (const std::string &prefix : {value_prefix(id), folded_prefix(id)}) {
      if (t.exact()) {
        // the index spells integers canonically, so a canonical query number needs no expansion
        s_.add_postings(prefix + t.pieces[0], out);
        continue;
      }
      std::string scan = prefix;
      if (t.kind == QueryValue::Kind::Match && !t.network) scan += t.pieces[0];
      s_.for_each_term(scan, [&](const std::string &term, uint32_t) {
        if (t.matches(lower_ascii(std::string_view(term).substr(prefix.size())))) s_.add_postings(term, out);
      });
    }
    normalise(out);
    return out;
  }

  IdSet from_stored_values(const IdSet &carriers, const std::string &field, const ValueTest &t) {
    const auto &dictionary = s_.member().index->dictionary();
    std::vector<bool> wanted(dictionary.size(), false);
    for (size_t i = 0; i < dictionary.size(); ++i) wanted[i] = dictionary[i].name == field;
    IdSet out;
    StoredFields stored(s_.member());
    for (uint32_t frame : carriers) {
      for (const StoredValue &v : stored.frame(frame, &wanted)) {
        if (v.id < wanted.size() && wanted[v.id] && t.matches(stored_text(v))) {
          out.push_back(frame);
          break;
        }
      }
    }
    return out;
  }

  // ---- free text ----------------------------------------------------------------------
  IdSet word(const QueryValue &w) {
    if (w.pieces.size() == 1) {
      std::vector<std::string> words;
      split_words(w.pieces[0], words);
      if (words.empty()) fail(w.column, "'" + w.pieces[0] + "' has no word of 2 to 64 letters or digits to search for");
      IdSet acc = s_.postings(word_term(words[0]));
      for (size_t i = 1; i < words.size() && !acc.empty(); ++i) acc = intersect(acc, s_.postings(word_term(words[i])));
      // or the text in the frames' stream bytes (with the payload index only: stream_search.h)
      if (std::optional<IdSet> in_streams = frames_with_stream_words(s_, w.pieces[0])) acc = unite(acc, *in_streams);
      return acc;
    }
    std::vector<std::string> pieces;
    for (const auto &p : w.pieces) {
      for (char c : p)
        if (!std::isalnum(static_cast<unsigned char>(c)))
          fail(w.column, "a free-text wildcard must be one word of letters and digits ('" + w.text() + "')");
      pieces.push_back(lower_ascii(p));
    }
    IdSet out;
    std::string prefix = word_term(pieces[0]);
    s_.for_each_term(prefix, [&](const std::string &term, uint32_t) {
      if (wildcard_match(pieces, std::string_view(term).substr(1))) s_.add_postings(term, out);
    });
    normalise(out);
    return out;
  }
};

}  // namespace

IdSet evaluate_query(const QueryNode &root, SearchIndex &search, bool flows) {
  try {
    return Evaluator(search, flows).eval(root);
  } catch (const Xapian::Error &e) {
    throw UserError("search index of '" + search.member().index->capture() + "': " + e.get_description());
  }
}

}  // namespace xtractr
