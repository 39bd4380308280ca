// json_lookup.h — finds one top-level member of a JSON object without parsing all of it.
//
// The `doc` of a packet is ~100 members; field(doc, name) needs one. This scanner skips
// values it does not need (strings, nested arrays/objects) and returns the raw text of the
// wanted member's value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xtractr {

// Raw JSON text of member `key` of the object `json`; nullopt if absent or not an object.
std::optional<std::string_view> json_member(std::string_view json, std::string_view key);

// The raw texts of the elements of a JSON array (a scalar counts as one element).
std::vector<std::string_view> json_elements(std::string_view value);

// A JSON string literal's contents, unescaped.
std::string json_unescape(std::string_view literal);

}  // namespace xtractr
