// tree_rebuild.cc — see tree_rebuild.h.
#include "search/tree_rebuild.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <string_view>

#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "search/tree_guard.h"

namespace xtractr {

namespace {

int bit_shift(const header_field_info *hf) {
  if (!hf->bitmask) return 0;
  int shift = 0;
  while (!((hf->bitmask >> shift) & 1)) ++shift;
  return shift;
}

bool parse_hex_bytes(std::string_view text, std::vector<guint8> &out) {
  out.clear();
  int nibble = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else if (c == ':' || c == ' ' || c == '-' || c == '.') {
      if (nibble >= 0) return false;
      continue;
    } else
      return false;
    if (nibble < 0)
      nibble = v;
    else {
      out.push_back(guint8(nibble << 4 | v));
      nibble = -1;
    }
  }
  return nibble < 0;
}

bool parse_seconds(std::string_view text, nstime_t &out) {
  std::string s(text);
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.erase(0, 1);
  size_t dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || whole.find_first_not_of("0123456789") != std::string::npos) return false;
  if (frac.find_first_not_of("0123456789") != std::string::npos || frac.size() > 9) return false;
  out.secs = time_t(std::strtoll(whole.c_str(), nullptr, 10));
  frac.resize(9, '0');
  out.nsecs = int(std::strtol(frac.c_str(), nullptr, 10));
  if (negative) {
    out.secs = -out.secs;
    out.nsecs = -out.nsecs;
  }
  return true;
}

// "Nov 14, 2023 22:13:20.123456789 UTC" (tshark's absolute time), or epoch seconds.
bool parse_absolute_time(std::string_view text, nstime_t &out) {
  if (parse_seconds(text, out)) return true;
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string s(text);
  char month[4] = {};
  int day, year, hour, minute, second, consumed = 0;
  if (std::sscanf(s.c_str(), "%3s %d, %d %d:%d:%d%n", month, &day, &year, &hour, &minute, &second, &consumed) != 6)
    return false;
  int mon = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(month, months[i]) == 0) mon = i;
  if (mon < 0) return false;
  std::string rest = s.substr(size_t(consumed));
  int nsecs = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t k = 1;
    std::string frac;
    while (k < rest.size() && std::isdigit(static_cast<unsigned char>(rest[k]))) frac.push_back(rest[k++]);
    if (frac.size() > 9) return false;
    frac.resize(9, '0');
    nsecs = int(std::strtol(frac.c_str(), nullptr, 10));
    rest = rest.substr(k);
  }
  while (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
  struct tm tm {};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  if (rest == "UTC" || rest == "GMT")
    out.secs = timegm(&tm);
  else
    out.secs = mktime(&tm);  // the local time zone, as tshark printed it
  out.nsecs = nsecs;
  return true;
}

bool parse_guid(std::string_view text, e_guid_t &g) {
  std::vector<guint8> b;
  if (text.size() != 36 || !parse_hex_bytes(text, b) || b.size() != 16) return false;
  g.data1 = guint32(b[0]) << 24 | guint32(b[1]) << 16 | guint32(b[2]) << 8 | b[3];
  g.data2 = guint16(b[4] << 8 | b[5]);
  g.data3 = guint16(b[6] << 8 | b[7]);
  std::memcpy(g.data4, &b[8], 8);
  return true;
}

bool type_supported(const header_field_info *hf) {
  if (integer_field_type(hf->type)) return true;
  switch (hf->type) {
    case FT_NONE:
    case FT_PROTOCOL:
    case FT_BOOLEAN:
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
    case FT_IPv4:
    case FT_IPv6:
    case FT_ETHER:
    case FT_BYTES:
    case FT_UINT_BYTES:
    case FT_FLOAT:
    case FT_DOUBLE:
    case FT_RELATIVE_TIME:
    case FT_ABSOLUTE_TIME:
    case FT_GUID:
    case FT_EUI64:
      return hf->type != FT_BOOLEAN || hf->bitmask <= 0xffffffffu;
    default:
      return false;
  }
}

[[noreturn]] void cannot_rebuild(const header_field_info *hf, std::string_view value) {
  throw UserError(std::string("filter: cannot evaluate field '") + hf->abbrev + "' (" + ftype_name(hf->type) +
                  ") from its stored value '" + std::string(value.substr(0, 80)) + "'");
}

// Where the items' text and bytes live while libwireshark reads them: in rebuild_tree's frame,
// above the TRY in tree_guard.c (a deque: adding an entry moves none of the others).
using ItemStorage = std::deque<std::string>;

// Integer types and booleans: the stored value shifted back into its bit field.
bool integer_item(const header_field_info *hf, const StoredValue &v, xtractr_tree_item &item) {
  const int shift = bit_shift(hf);
  switch (hf->type) {
    case FT_BOOLEAN:
      item.integer = guint32((uint64_t(v.integer) << shift) & (hf->bitmask ? hf->bitmask : ~0ull));
      return true;
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
      item.integer = guint32(uint64_t(v.integer) << shift);
      return true;
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
      item.integer = uint64_t(v.integer) << shift;
      return true;
    case FT_INT8:
    case FT_INT16:
    case FT_INT24:
    case FT_INT32: {
      uint32_t raw = uint32_t(uint64_t(v.integer) << shift);
      if (hf->bitmask) raw &= uint32_t(hf->bitmask);
      item.integer = raw;
      return true;
    }
    case FT_INT40:
    case FT_INT48:
    case FT_INT56:
    case FT_INT64: {
      uint64_t raw = uint64_t(v.integer) << shift;
      if (hf->bitmask) raw &= hf->bitmask;
      item.integer = raw;
      return true;
    }
    default:
      return false;
  }
}

// Bytes written as hex (FT_BYTES: or kept raw) into `storage`; nullptr when the text is no hex
// (or not `size` bytes long).
const std::string *stored_bytes(const StoredValue &v, size_t size, ItemStorage &storage) {
  if (v.kind == ValueKind::Bytes && !size) return &storage.emplace_back(v.bytes);
  std::vector<guint8> bytes;
  if (!parse_hex_bytes(v.bytes, bytes) || (size && bytes.size() != size)) return nullptr;
  return &storage.emplace_back(bytes.begin(), bytes.end());
}

// Every other type: the stored text parsed back into the value.
void text_item(const header_field_info *hf, const StoredValue &v, ItemStorage &storage, xtractr_tree_item &item) {
  if (v.kind == ValueKind::Integer || v.kind == ValueKind::Present) cannot_rebuild(hf, std::to_string(v.integer));
  const std::string_view value = v.bytes;
  bool parsed = true;
  const std::string *bytes = nullptr;
  switch (hf->type) {
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
      item.data = reinterpret_cast<const guint8 *>(storage.emplace_back(value).c_str());
      return;
    case FT_IPv4: {
      ws_in4_addr a;  // as inet_pton stores it, which proto_tree_add_ipv4 takes
      parsed = inet_pton(AF_INET, std::string(value).c_str(), &a) == 1;
      item.integer = a;
      break;
    }
    case FT_IPv6:
      parsed = inet_pton(AF_INET6, std::string(value).c_str(), &item.ipv6) == 1;
      break;
    case FT_ETHER:
    case FT_BYTES:
    case FT_UINT_BYTES:
      parsed = (bytes = stored_bytes(v, hf->type == FT_ETHER ? 6 : 0, storage)) != nullptr;
      if (parsed) item.data = reinterpret_cast<const guint8 *>(bytes->data());
      if (parsed) item.length = int(bytes->size());
      break;
    case FT_EUI64: {
      std::vector<guint8> b;
      parsed = parse_hex_bytes(value, b) && b.size() == 8;
      for (guint8 x : b) item.integer = item.integer << 8 | x;
      break;
    }
    case FT_FLOAT:
    case FT_DOUBLE: {
      std::string s(value);
      char *end = nullptr;
      item.real = std::strtod(s.c_str(), &end);
      parsed = end != s.c_str() && !*end;
      break;
    }
    case FT_RELATIVE_TIME:
      parsed = parse_seconds(value, item.time);
      break;
    case FT_ABSOLUTE_TIME:
      parsed = parse_absolute_time(value, item.time);
      break;
    case FT_GUID:
      parsed = parse_guid(value, item.guid);
      break;
    default:
      parsed = false;
  }
  if (!parsed) cannot_rebuild(hf, value);
}

// One stored value as an item of header field `hf`; throws UserError when it cannot be.
xtractr_tree_item tree_item(header_field_info *hf, const StoredValue &v, ItemStorage &storage, tvbuff_t *frame_tvb) {
  xtractr_tree_item item{};
  item.hf = hf;
  if (hf->type == FT_PROTOCOL) {  // `frame` gets the frame's bytes, as Wireshark has them
    if (frame_tvb && std::strcmp(hf->abbrev, "frame") == 0) item.tvb = frame_tvb;
  } else if (hf->type != FT_NONE && !integer_item(hf, v, item)) {
    text_item(hf, v, storage, item);
  }
  return item;
}

}  // namespace

std::vector<header_field_info *> rebuild_fields(const std::vector<DictionaryEntry> &dictionary,
                                                const std::unordered_set<std::string> &names, const std::string &text) {
  std::vector<header_field_info *> rebuild_as(dictionary.size(), nullptr);
  for (size_t i = 0; i < dictionary.size(); ++i) {
    if (!names.count(dictionary[i].name)) continue;
    header_field_info *chosen = nullptr;  // dfilter reads every header field of a name
    for (header_field_info *hf = proto_registrar_get_byname(dictionary[i].name.c_str()); hf; hf = hf->same_name_next) {
      if (!chosen) chosen = hf;
      if (field_kind(hf->id) == dictionary[i].kind) {
        chosen = hf;
        break;
      }
    }
    if (!chosen) continue;
    if (!type_supported(chosen))
      throw UserError(std::string("filter: field '") + chosen->abbrev + "' has type " + ftype_name(chosen->type) +
                      ", which xtractr cannot evaluate from the index: \"" + text + "\"");
    rebuild_as[i] = chosen;
  }
  return rebuild_as;
}

bool rebuild_tree(proto_tree *tree, const std::vector<StoredValue> &values,
                  const std::vector<header_field_info *> &rebuild_as, tvbuff_t *frame_tvb) {
  // every C++ object lives here, in a frame a THROW does not skip; libwireshark is called
  // from C only (tree_guard.c)
  ItemStorage storage;
  std::vector<xtractr_tree_item> items;
  for (const StoredValue &v : values)
    if (v.id < rebuild_as.size() && rebuild_as[v.id])
      items.push_back(tree_item(rebuild_as[v.id], v, storage, frame_tvb));
  return xtractr_add_tree_items(tree, items.data(), items.size()) == 0;
}

}  // namespace xtractr
