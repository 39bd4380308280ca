/*
** catalog_tables.cc — xtractr_fields(capture) and xtractr_terms(capture, field [, query]).
**
** Usage:
**
**   SELECT name, type, packets, distinct_values FROM xtractr_fields('day1.pcapng') ORDER BY packets DESC;
**   SELECT value, packets FROM xtractr_terms('day1.pcapng', 'http.host') LIMIT 10;
**   SELECT value, packets FROM xtractr_terms('day1.pcapng', 'dns.qry.name', 'dns.flags.rcode:3');
**
** xtractr_fields: every field present in the capture (or collection) — `name`, `type` and
** `description` from libwireshark's registry, `packets` = frames carrying it,
** `distinct_values` = how many different values it has (as tshark -T fields prints them).
** xtractr_terms: each distinct value of a field with the number of frames carrying it, most
** frequent first; with a query (query_parser.h), counted over the matching frames only. A
** field no frame carries gives no rows; a name that is no field is an error saying which
** fields it is nearest to (dissect/field_names.h).
**
** How it works: packet counts are the frequencies of the presence terms of the search index
** (search_terms.h). Values come from the index's value terms when they are exact (integer
** and byte fields, no query); otherwise from the stored field values of the frames carrying
** the field, decoded block by block — so values keep tshark's spelling and case. `distinct_values`
** is computed only when the column is asked for (it may need that scan).
*/
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/sql_error.h"
#include "core/table_function.h"
#include "dissect/field_names.h"
#include "dissect/wireshark_runtime.h"
#include "index/capture_collection.h"
#include "search/query_evaluator.h"
#include "search/query_parser.h"
#include "search/search_index.h"
#include "search/search_sql.h"
#include "search/stored_fields.h"

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

namespace {

struct Row {
  std::vector<std::string> text;  // per column; integers are kept as text and typed by `integer`
  std::vector<bool> integer;
};

enum class Catalog { Fields, Terms };

// fields: name, type, description, packets, distinct_values, capture
// terms:  value, packets, capture, field, query
const char kFieldsSchema[] =
    "CREATE TABLE x(name TEXT, type TEXT, description TEXT, packets INTEGER, distinct_values INTEGER, capture HIDDEN)";
const char kTermsSchema[] = "CREATE TABLE x(value, packets INTEGER, capture HIDDEN, field HIDDEN, query HIDDEN)";
constexpr int kFieldsCapture = 5, kFieldsDistinct = 4;
constexpr int kTermsCapture = 2;  // then field, query
constexpr int kWantDistinct = 1;  // idxNum: the `distinct_values` column is read

struct CatalogCursor : TableCursor {
  explicit CatalogCursor(Catalog k) : kind(k) {}
  void filter(const TableCall &call) override;
  void next() override { ++at; }
  bool eof() const override { return at >= (kind == Catalog::Fields ? rows.size() : terms.size()); }
  void column(sqlite3_context *ctx, int column) override;
  int64_t rowid() const override { return int64_t(at) + 1; }

  Catalog kind;
  std::vector<std::pair<std::string, int64_t>> terms;  // terms: value, packets
  std::vector<Row> rows;                               // fields
  std::string capture, field, query;
  bool value_is_integer = false;
  size_t at = 0;
};

// Counts, for every value of `field` in the frames `frames` of one capture, the frames carrying it.
void count_values(SearchIndex &index, const std::string &field, const IdSet &frames,
                  std::unordered_map<std::string, int64_t> &counts, bool &integer) {
  const auto &dictionary = index.member().index->dictionary();
  std::vector<bool> wanted(dictionary.size(), false);
  for (size_t i = 0; i < dictionary.size(); ++i) {
    wanted[i] = dictionary[i].name == field;
    if (wanted[i] && dictionary[i].kind != ValueKind::Integer) integer = false;
  }
  StoredFields stored(index.member());
  std::unordered_set<std::string> seen;
  for (uint32_t frame : frames) {
    seen.clear();
    for (const StoredValue &v : stored.frame(frame, &wanted))
      if (v.id < wanted.size() && wanted[v.id]) seen.insert(stored_value_text(v));
    for (const std::string &s : seen) ++counts[s];
  }
}

void fill_terms(CatalogCursor &c, bool has_query) {
  CaptureCollection collection = open_collection(c.capture);
  std::unique_ptr<QueryNode> query;
  if (has_query) query = parse_query(c.query);
  std::unordered_map<std::string, int64_t> counts;
  bool integer = true;
  // a field no file has: none of its frames carry it (no rows), or a misspelt name (an error)
  bool known = c.field.compare(0, 4, "pkt.") == 0;  // or a field some file has (libwireshark is asked last)
  for (const CollectionMember &m : collection.members) {
    SearchIndex index(m);
    auto id = index.field(c.field);
    if (id) known = true;
    if (!id || c.field.compare(0, 4, "pkt.") == 0) continue;
    const auto &dictionary = m.index->dictionary();
    bool exact_terms = !query && index.spelled(c.field);
    for (const auto &entry : dictionary)
      if (entry.name == c.field && entry.kind != ValueKind::Integer && entry.kind != ValueKind::Bytes)
        exact_terms = false;
    if (exact_terms) {
      std::string prefix = value_prefix(*id);
      index.for_each_term(
          prefix, [&](const std::string &term, uint32_t frames) { counts[term.substr(prefix.size())] += frames; });
      for (const auto &entry : dictionary)
        if (entry.name == c.field && entry.kind != ValueKind::Integer) integer = false;
      continue;
    }
    IdSet frames = index.frames_with(c.field);
    if (query) frames = intersect(frames, evaluate_query(*query, index, false));
    count_values(index, c.field, frames, counts, integer);
  }
  if (!known && !is_wireshark_field(c.field)) throw UserError("xtractr_terms(): " + unknown_field_message(c.field));
  c.terms.assign(counts.begin(), counts.end());
  std::sort(c.terms.begin(), c.terms.end(), [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  c.value_is_integer = integer && !c.terms.empty();
}

void fill_fields(CatalogCursor &c, bool want_distinct) {
  CaptureCollection collection = open_collection(c.capture);
  struct Facts {
    int64_t packets = 0;
    std::unordered_set<std::string> values;
  };
  std::map<std::string, Facts> facts;
  for (const CollectionMember &m : collection.members) {
    SearchIndex index(m);
    std::vector<uint32_t> incomplete;
    for (uint32_t id = 0; id < index.fields().size(); ++id) {
      const SearchField &f = index.field_info(id);
      if (f.name.compare(0, 4, "pkt.") == 0) continue;
      Facts &fact = facts[f.name];
      fact.packets += int64_t(f.frames);
      if (!want_distinct) continue;
      if (f.flags & (kFieldIncomplete | kFieldDerived)) {
        incomplete.push_back(id);
        continue;
      }
      std::string prefix = value_prefix(id);
      bool any = false;
      index.for_each_term(prefix, [&](const std::string &term, uint32_t) {
        fact.values.insert(term.substr(prefix.size()));
        any = true;
      });
      (void)any;
    }
    if (incomplete.empty()) continue;
    // values the index does not spell: one pass over the stored values
    const auto &dictionary = m.index->dictionary();
    std::vector<Facts *> target(dictionary.size(), nullptr);
    std::unordered_set<std::string> names;
    for (uint32_t id : incomplete) names.insert(index.field_info(id).name);
    for (size_t i = 0; i < dictionary.size(); ++i)
      if (names.count(dictionary[i].name)) target[i] = &facts[dictionary[i].name];
    StoredFields stored(m);
    std::vector<bool> wanted(target.size());
    for (size_t i = 0; i < target.size(); ++i) wanted[i] = target[i] != nullptr;
    for (uint32_t frame = 1; frame <= index.frames(); ++frame)
      for (const StoredValue &v : stored.frame(frame, &wanted))
        if (v.id < target.size() && target[v.id]) target[v.id]->values.insert(stored_value_text(v));
  }
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  ensure_wireshark();
  for (const auto &[name, fact] : facts) {
    if (fact.packets == 0) continue;
    Row row;
    header_field_info *hf = proto_registrar_get_byname(name.c_str());
    row.text = {name, hf ? ftype_name(hf->type) : "", hf && hf->name ? hf->name : "", std::to_string(fact.packets),
                want_distinct ? std::to_string(fact.values.size()) : ""};
    row.integer = {false, false, false, true, want_distinct};
    c.rows.push_back(std::move(row));
  }
}

void CatalogCursor::filter(const TableCall &call) {
  const char *name = kind == Catalog::Fields ? "xtractr_fields" : "xtractr_terms";
  rows.clear();
  terms.clear();
  at = 0;
  capture = call.text(0).value_or("");
  field = kind == Catalog::Terms ? call.text(1).value_or("") : "";
  query = kind == Catalog::Terms ? call.text(2).value_or("") : "";
  if (capture.empty())
    throw UserError(std::string(name) + "(): name a capture, e.g. SELECT * FROM " + name + "('day1.pcapng'" +
                    (kind == Catalog::Terms ? ", 'http.host')" : ")"));
  if (kind == Catalog::Fields) return fill_fields(*this, call.plan_number & kWantDistinct);
  if (field.empty())
    throw UserError("xtractr_terms(): name a field, e.g. SELECT * FROM xtractr_terms('day1.pcapng', 'http.host')");
  fill_terms(*this, !query.empty());
}

void result_text(sqlite3_context *ctx, const std::string &s) {
  sqlite3_result_text(ctx, s.data(), int(s.size()), SQLITE_TRANSIENT);
}

void CatalogCursor::column(sqlite3_context *ctx, int column) {
  if (kind == Catalog::Fields) {
    const Row &row = rows[at];
    const std::string &t = row.text[size_t(column)];
    if (row.integer[size_t(column)])
      sqlite3_result_int64(ctx, std::stoll(t));
    else if (column == kFieldsDistinct)
      sqlite3_result_null(ctx);
    else
      result_text(ctx, t);
    return;
  }
  const auto &term = terms[at];
  if (column == 0 && value_is_integer)
    sqlite3_result_int64(ctx, std::stoll(term.first));
  else if (column == 0)
    result_text(ctx, term.first);
  else
    sqlite3_result_int64(ctx, term.second);
}

constexpr TableArgument kFieldsArguments[] = {
    {"capture", 'c', "xtractr_fields(): name a capture, e.g. SELECT * FROM xtractr_fields('day1.pcapng')"},
};
constexpr TableArgument kTermsArguments[] = {
    {"capture", 'c', "xtractr_terms(): name a capture, e.g. SELECT * FROM xtractr_terms('day1.pcapng', 'http.host')"},
    {"field", 'f', "xtractr_terms(): name a field, e.g. SELECT * FROM xtractr_terms('day1.pcapng', 'http.host')"},
    {"query", 'q', nullptr},
};

class CatalogFunction : public TableFunction {
 public:
  explicit CatalogFunction(Catalog kind) : kind_(kind) {}
  TableShape shape() const override {
    if (kind_ == Catalog::Fields)
      return {"xtractr_fields",
              kFieldsSchema,
              kFieldsCapture,
              kFieldsArguments,
              1,
              {"xtractr_fields(capture)", "every field present in the capture: its type, description, frames, values",
               "SELECT name, packets, distinct_values FROM xtractr_fields('examples/wikipedia_browse.pcap') ORDER BY "
               "packets DESC"}};
    return {"xtractr_terms",
            kTermsSchema,
            kTermsCapture,
            kTermsArguments,
            3,
            {"xtractr_terms(capture, field [, query])", "each value of a field with the frames carrying it, most first",
             "SELECT value, packets FROM xtractr_terms('examples/wikipedia_browse.pcap', 'http.host') LIMIT 10"}};
  }
  std::unique_ptr<TableCursor> open(sqlite3 *) const override { return std::make_unique<CatalogCursor>(kind_); }
  // `distinct_values` may need a scan of the stored values: only when the column is read.
  void estimate(sqlite3_index_info *info, const std::string &, bool complete) const override {
    info->estimatedCost = complete ? 1000 : 1e30;
    if (kind_ == Catalog::Fields && (info->colUsed & (sqlite3_uint64(1) << kFieldsDistinct)))
      info->idxNum = kWantDistinct;
  }
  bool innocuous() const override { return true; }

 private:
  Catalog kind_;
};

const TableFunction &fields_table() {
  static const CatalogFunction function(Catalog::Fields);
  return function;
}
const TableFunction &terms_table() {
  static const CatalogFunction function(Catalog::Terms);
  return function;
}

const TableFunctionGetter kTables[] = {fields_table, terms_table, nullptr};

}  // namespace

const SqlExports search_sql = {"search", nullptr, kTables, nullptr};

}  // namespace xtractr
