/*
** field_functions.cc — field(doc, name) and fields(doc, name): read a stored field from a doc.
**
** Usage:
**
**   SELECT field(doc, 'http.host') FROM packets('day1.pcapng') WHERE service = 'HTTP';
**     -- 'www.example.com'       (first value; integers as INTEGER, text as TEXT)
**   SELECT fields(doc, 'tcp.port') FROM packets('day1.pcapng') WHERE id = 4;
**     -- '[51234,80]'            (every value, in tree order, as a JSON array)
**
** Both return NULL when the doc has no such field (or doc is NULL). `doc` is any JSON object:
** packet and flow docs, or objects built with json_object() — or the tables' `docref`, which
** reads just the one field instead of the whole doc (core/doc_ref.h), with the same answers:
**   SELECT field(docref, 'ip.src'), count(*) FROM packets('day1.pcapng') GROUP BY 1;
** A name that is in no doc — not a Wireshark field nor a packet or flow column — is an
** error, with the names it is nearest to:
**   SELECT field(doc, 'http.hots') FROM packets('day1.pcapng');
**     -- error: field(): unknown field 'http.hots' (did you mean 'http.host'?)
**
** How it works: the doc's member is found by json_member() (core/json_lookup.h), or asked of
** the docref's reader (index/doc_ref.h); only when it is missing is the name checked
** (dissect/field_names.h, which remembers its answers).
*/
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/json_lookup.h"
#include "core/sql_error.h"
#include "dissect/field_names.h"
#include "extension/extension_sql.h"
#include "index/doc_ref.h"
#include "index/table_columns.h"

namespace xtractr {

namespace {

// Sets the SQL result from one raw JSON value.
void result_json_value(sqlite3_context *ctx, std::string_view v) {
  if (v.empty()) return;
  char c = v[0];
  if (c == '"') {
    std::string text = json_unescape(v);
    sqlite3_result_text(ctx, text.data(), int(text.size()), SQLITE_TRANSIENT);
  } else if (c == 'n') {
    sqlite3_result_null(ctx);
  } else if (c == 't' || c == 'f') {
    sqlite3_result_int(ctx, c == 't');
  } else if (c == '{' || c == '[') {
    sqlite3_result_text(ctx, v.data(), int(v.size()), SQLITE_TRANSIENT);
  } else {
    std::string number(v);
    bool integral = number.find_first_of(".eE") == std::string::npos;
    if (integral) {
      errno = 0;
      char *end = nullptr;
      long long n = std::strtoll(number.c_str(), &end, 10);
      if (errno == 0 && end && *end == '\0') {
        sqlite3_result_int64(ctx, n);
        return;
      }
    }
    sqlite3_result_double(ctx, std::strtod(number.c_str(), nullptr));
  }
}

// The keys a packet or flow doc has besides Wireshark fields: the tables' columns.
const std::vector<std::string> &column_keys() {
  static const auto *keys = [] {
    auto *out = new std::vector<std::string>();
    for (const TableColumns *t : {&packet_columns(), &flow_columns()})
      for (size_t i = 0; i < t->count; ++i) {
        const ColumnDef &def = t->defs[i];
        std::string key = is_visible(def) ? def.name : def.doc_key;
        if (std::find(out->begin(), out->end(), key) == out->end()) out->push_back(key);
      }
    return out;
  }();
  return *keys;
}

// A name missing from a doc is fine when some doc could have it; else an error.
void check_field_name(const char *function, std::string_view name) {
  std::string text(name);
  const auto &columns = column_keys();
  if (std::find(columns.begin(), columns.end(), text) != columns.end() || is_wireshark_field(text)) return;
  throw UserError(std::string(function) +
                  "(): " + unknown_field_message(text, columns, "not a Wireshark field, nor a packet or flow column"));
}

// A docref reader and its last answer. One per thread, for every call: its block caches then
// serve a whole scan whatever the name argument is (auxdata would keep it only for constants).
struct DocRefRead {
  DocRefReader reader;
  std::string json;
};
thread_local DocRefRead doc_ref_read;

bool member_of(const char *function, sqlite3_value **argv, std::string_view &out) {
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return false;
  std::string_view name(reinterpret_cast<const char *>(sqlite3_value_text(argv[1])),
                        size_t(sqlite3_value_bytes(argv[1])));
  std::optional<std::string_view> member;
  const void *blob = sqlite3_value_type(argv[0]) == SQLITE_BLOB ? sqlite3_value_blob(argv[0]) : nullptr;
  if (looks_like_doc_ref(blob, size_t(sqlite3_value_bytes(argv[0])))) {
    doc_ref_read.json.clear();
    std::string_view ref(static_cast<const char *>(blob), XTRACTR_DOC_REF_SIZE);
    if (doc_ref_read.reader.member(ref, name, doc_ref_read.json)) member = doc_ref_read.json;
  } else if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
    std::string_view doc(reinterpret_cast<const char *>(sqlite3_value_text(argv[0])),
                         size_t(sqlite3_value_bytes(argv[0])));
    member = json_member(doc, name);
  }
  if (!member) {
    check_field_name(function, name);
    return false;
  }
  out = *member;
  return true;
}

void field_function(sqlite3_context *ctx, int, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    std::string_view value;
    if (!member_of("field", argv, value)) return;
    auto elements = json_elements(value);
    if (!elements.empty()) result_json_value(ctx, elements.front());
  });
}

void fields_function(sqlite3_context *ctx, int, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    std::string_view value;
    if (!member_of("fields", argv, value)) return;
    std::string out = value.empty() || value[0] != '[' ? "[" + std::string(value) + "]" : std::string(value);
    sqlite3_result_text(ctx, out.data(), int(out.size()), SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, 'J');
  });
}

}  // namespace

const FunctionSpec field_functions[] = {
    {"field",
     2,
     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
     field_function,
     nullptr,
     nullptr,
     {"field(doc, name)", "the first value of a field or column in a packet or flow doc (NULL when the frame lacks it)",
      "SELECT field(doc, 'http.host'), count(*) FROM packets('examples/wikipedia_browse.pcap') WHERE service = 'HTTP' "
      "GROUP BY 1"}},
    {"fields",
     2,
     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
     fields_function,
     nullptr,
     nullptr,
     {"fields(doc, name)", "every value of a field in a doc, in tree order, as a JSON array",
      "SELECT id, fields(doc, 'dns.a') FROM packets('examples/wikipedia_browse.pcap', 'dns.a:*')"}},
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

}  // namespace xtractr
