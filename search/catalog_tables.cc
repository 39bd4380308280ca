/*
** catalog_tables.cc — xtractr_fields(capture) and xtractr_terms(capture, field [, query]).
**
** Usage:
**
**   SELECT name, type, packets, distinct FROM xtractr_fields('day1.pcapng') ORDER BY packets DESC;
**   SELECT value, packets FROM xtractr_terms('day1.pcapng', 'http.host') LIMIT 10;
**   SELECT value, packets FROM xtractr_terms('day1.pcapng', 'dns.qry.name', 'dns.flags.rcode:3');
**
** xtractr_fields: every field present in the capture (or collection) — `name`, `type` and
** `description` from libwireshark's registry, `packets` = frames carrying it, `distinct` =
** distinct values (as tshark -T fields prints them).
** xtractr_terms: each distinct value of a field with the number of frames carrying it, most
** frequent first; with a query (query_parser.h), counted over the matching frames only.
**
** How it works: packet counts are the frequencies of the presence terms of the search index
** (search_terms.h). Values come from the index's value terms when they are exact (integer
** and byte fields, no query); otherwise from the stored field values of the frames carrying
** the field, decoded block by block — so values keep tshark's spelling and case. `distinct` is
** computed only when the column is asked for (it may need that scan).
*/
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/function_registry.h"
#include "core/interruption.h"
#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "index/capture_collection.h"
#include "search/query_evaluator.h"
#include "search/query_parser.h"
#include "search/search_index.h"
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

// fields: name, type, description, packets, distinct, capture
// terms:  value, packets, capture, field, query
const char kFieldsSchema[] =
    "CREATE TABLE x(name TEXT, type TEXT, description TEXT, packets INTEGER, \"distinct\" INTEGER, capture HIDDEN)";
const char kTermsSchema[] = "CREATE TABLE x(value, packets INTEGER, capture HIDDEN, field HIDDEN, query HIDDEN)";
constexpr int kFieldsCapture = 5, kFieldsDistinct = 4;
constexpr int kTermsCapture = 2, kTermsField = 3, kTermsQuery = 4;

struct CatalogTable {
  sqlite3_vtab base{};
  Catalog kind;
  sqlite3 *db;  // for check_interrupted() during an index build
};

struct CatalogCursor {
  sqlite3_vtab_cursor base{};
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
  for (const CollectionMember &m : collection.members) {
    SearchIndex index(m);
    auto id = index.field(c.field);
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

template <Catalog kind>
int catalog_connect(sqlite3 *db, void *, int, const char *const *, sqlite3_vtab **out, char **) {
  int rc = sqlite3_declare_vtab(db, kind == Catalog::Fields ? kFieldsSchema : kTermsSchema);
  if (rc != SQLITE_OK) return rc;
  auto *t = new (std::nothrow) CatalogTable();
  if (!t) return SQLITE_NOMEM;
  t->kind = kind;
  t->db = db;
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  *out = &t->base;
  return SQLITE_OK;
}

int catalog_disconnect(sqlite3_vtab *vtab) {
  delete reinterpret_cast<CatalogTable *>(vtab);
  return SQLITE_OK;
}

// idxNum bits: 1 capture, 2 field, 4 query, 8 distinct wanted; argv in that order.
int catalog_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  Catalog kind = reinterpret_cast<CatalogTable *>(vtab)->kind;
  const int columns[3] = {kind == Catalog::Fields ? kFieldsCapture : kTermsCapture,
                          kind == Catalog::Fields ? -2 : kTermsField, kind == Catalog::Fields ? -2 : kTermsQuery};
  int slot[3] = {-1, -1, -1};
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto &c = info->aConstraint[i];
    if (c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    for (int k = 0; k < 3; ++k) {
      if (c.iColumn != columns[k]) continue;
      if (!c.usable) return SQLITE_CONSTRAINT;
      slot[k] = i;
    }
  }
  int n = 0, mask = 0;
  for (int k = 0; k < 3; ++k) {
    if (slot[k] < 0) continue;
    info->aConstraintUsage[slot[k]].argvIndex = ++n;
    info->aConstraintUsage[slot[k]].omit = 1;
    mask |= 1 << k;
  }
  if (kind == Catalog::Fields && (info->colUsed & (sqlite3_uint64(1) << kFieldsDistinct))) mask |= 8;
  info->idxNum = mask;
  info->estimatedCost = (mask & 1) ? 1000 : 1e30;
  return SQLITE_OK;
}

int catalog_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out) {
  auto *c = new (std::nothrow) CatalogCursor();
  if (!c) return SQLITE_NOMEM;
  c->kind = reinterpret_cast<CatalogTable *>(vtab)->kind;
  *out = &c->base;
  return SQLITE_OK;
}

int catalog_close(sqlite3_vtab_cursor *cur) {
  delete reinterpret_cast<CatalogCursor *>(cur);
  return SQLITE_OK;
}

std::string text_arg(sqlite3_value *v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return {};
  return std::string(reinterpret_cast<const char *>(sqlite3_value_text(v)), size_t(sqlite3_value_bytes(v)));
}

int catalog_filter(sqlite3_vtab_cursor *cur, int mask, const char *, int argc, sqlite3_value **argv) {
  auto &c = *reinterpret_cast<CatalogCursor *>(cur);
  return guard_vtab(cur->pVtab, [&] {
    const char *name = c.kind == Catalog::Fields ? "xtractr_fields" : "xtractr_terms";
    ConnectionScope scope(reinterpret_cast<CatalogTable *>(cur->pVtab)->db);
    c.rows.clear();
    c.terms.clear();
    c.at = 0;
    int k = 0;
    bool has_capture = mask & 1, has_field = mask & 2, has_query = mask & 4;
    if (has_capture) c.capture = text_arg(argv[k++]);
    if (has_field) c.field = text_arg(argv[k++]);
    if (has_query) c.query = text_arg(argv[k++]);
    (void)argc;
    if (!has_capture || c.capture.empty())
      throw UserError(std::string(name) + "(): name a capture, e.g. SELECT * FROM " + name + "('day1.pcapng'" +
                      (c.kind == Catalog::Terms ? ", 'http.host')" : ")"));
    if (c.kind == Catalog::Fields) {
      fill_fields(c, mask & 8);
    } else {
      if (!has_field || c.field.empty())
        throw UserError("xtractr_terms(): name a field, e.g. SELECT * FROM xtractr_terms('day1.pcapng', 'http.host')");
      fill_terms(c, has_query && !c.query.empty());
    }
    return SQLITE_OK;
  });
}

int catalog_next(sqlite3_vtab_cursor *cur) {
  ++reinterpret_cast<CatalogCursor *>(cur)->at;
  return SQLITE_OK;
}

int catalog_eof(sqlite3_vtab_cursor *cur) {
  auto &c = *reinterpret_cast<CatalogCursor *>(cur);
  return c.at >= (c.kind == Catalog::Fields ? c.rows.size() : c.terms.size());
}

void result_text(sqlite3_context *ctx, const std::string &s) {
  sqlite3_result_text(ctx, s.data(), int(s.size()), SQLITE_TRANSIENT);
}

int catalog_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int column) {
  auto &c = *reinterpret_cast<CatalogCursor *>(cur);
  if (c.kind == Catalog::Fields) {
    if (column == kFieldsCapture) {
      result_text(ctx, c.capture);
      return SQLITE_OK;
    }
    const Row &row = c.rows[c.at];
    const std::string &t = row.text[size_t(column)];
    if (row.integer[size_t(column)])
      sqlite3_result_int64(ctx, std::stoll(t));
    else if (column == kFieldsDistinct)
      sqlite3_result_null(ctx);
    else
      result_text(ctx, t);
    return SQLITE_OK;
  }
  const auto &term = c.terms[c.at];
  switch (column) {
    case 0:
      if (c.value_is_integer)
        sqlite3_result_int64(ctx, std::stoll(term.first));
      else
        result_text(ctx, term.first);
      break;
    case 1:
      sqlite3_result_int64(ctx, term.second);
      break;
    case kTermsCapture:
      result_text(ctx, c.capture);
      break;
    case kTermsField:
      result_text(ctx, c.field);
      break;
    case kTermsQuery:
      if (!c.query.empty()) result_text(ctx, c.query);
      break;
  }
  return SQLITE_OK;
}

int catalog_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = sqlite3_int64(reinterpret_cast<CatalogCursor *>(cur)->at) + 1;
  return SQLITE_OK;
}

template <Catalog kind>
constexpr sqlite3_module catalog_module() {
  return sqlite3_module{0,
                        nullptr,
                        catalog_connect<kind>,
                        catalog_best_index,
                        catalog_disconnect,
                        nullptr,
                        catalog_open,
                        catalog_close,
                        catalog_filter,
                        catalog_next,
                        catalog_eof,
                        catalog_column,
                        catalog_rowid,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr,
                        nullptr};
}

const sqlite3_module fields_module = catalog_module<Catalog::Fields>();
const sqlite3_module terms_module = catalog_module<Catalog::Terms>();

}  // namespace

const ModuleSpec search_modules[] = {
    {"xtractr_fields", &fields_module, nullptr},
    {"xtractr_terms", &terms_module, nullptr},
    {nullptr, nullptr, nullptr},
};

}  // namespace xtractr
