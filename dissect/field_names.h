// field_names.h — is a name one of libwireshark's fields, and which ones did the user mean?
//
// Usage (C++):
//   if (!is_wireshark_field("http.hots"))
//     throw UserError("field(): " + unknown_field_message("http.hots"));
//   // "unknown field 'http.hots' (did you mean 'http.host'?)"
//
// How it works: names are looked up in libwireshark's field registry (initialised on first
// use, ensure_wireshark()), and known answers are remembered, so a query that asks for a
// valid field on every row pays the lookup once. Suggestions are the registered names (plus
// the caller's own, e.g. table columns) nearest by edit distance — an insertion, deletion,
// substitution or swap of neighbours costs 1, and only a few edits are allowed for the
// name's length — then names that end with the given one ("qry.name" → "dns.qry.name").
// Only the error path pays for the scan of the registry.
#pragma once

#include <string>
#include <vector>

namespace xtractr {

// Whether libwireshark has a field (or protocol) registered under `name`.
bool is_wireshark_field(const std::string &name);

// Up to `max` names near `name`, best first: registered fields and `extra`.
std::vector<std::string> similar_field_names(const std::string &name, const std::vector<std::string> &extra = {},
                                             size_t max = 3);

// "unknown field 'NAME' (did you mean 'A', 'B' or 'C'?)", or "unknown field 'NAME' (WHY)"
// when nothing is near.
std::string unknown_field_message(const std::string &name, const std::vector<std::string> &extra = {},
                                  const std::string &why = "not a Wireshark field");

}  // namespace xtractr
