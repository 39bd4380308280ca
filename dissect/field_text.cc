// field_text.cc — see field_text.h.
#include "dissect/field_text.h"

#include <cstring>

extern "C" {
#include <epan/ftypes/ftypes.h>
#include <epan/proto.h>
#include <wsutil/wmem/wmem_strbuf.h>
}

namespace xtractr {

namespace {

// ws_escape_null(): NUL bytes become "\0", every other byte passes through.
void append_string(const wmem_strbuf_t *value, std::string &out) {
  const char *text = wmem_strbuf_get_str(value);
  const size_t length = wmem_strbuf_get_len(value);
  const char *end = text + length;
  while (text < end) {
    const char *nul = static_cast<const char *>(std::memchr(text, 0, size_t(end - text)));
    if (!nul) {
      out.append(text, size_t(end - text));
      return;
    }
    out.append(text, size_t(nul - text));
    out += "\\0";
    text = nul + 1;
  }
}

// Lower-case hex pairs joined by ':', as bytes_to_hexstr_punct() writes them.
void append_ether(const GByteArray *bytes, std::string &out) {
  static const char digits[] = "0123456789abcdef";
  for (guint i = 0; i < bytes->len; ++i) {
    if (i) out += ':';
    out += digits[bytes->data[i] >> 4];
    out += digits[bytes->data[i] & 15];
  }
}

void append_decimal(uint32_t value, std::string &out) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = char('0' + value % 10);
    value /= 10;
  } while (value);
  while (n) out += digits[--n];
}

// Dotted quad of an address held in host order.
void append_ipv4(uint32_t address, std::string &out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    append_decimal((address >> shift) & 0xff, out);
    if (shift) out += '.';
  }
}

// rel_time_to_secs_str() of a non-negative time: seconds, '.', nine digits of nanoseconds.
void append_relative_time(const nstime_t &t, std::string &out) {
  append_decimal(uint32_t(t.secs), out);
  out += '.';
  char nanos[9];
  uint32_t n = uint32_t(t.nsecs);
  for (int i = 8; i >= 0; --i, n /= 10) nanos[i] = char('0' + n % 10);
  out.append(nanos, 9);
}

}  // namespace

bool append_field_text(const field_info *fi, std::string &out) {
  const fvalue_t &v = fi->value;
  switch (fi->hfinfo->type) {
    case FT_PROTOCOL: {
      // the "data" protocol prints as the hex of its bytes
      static const int proto_data = proto_get_id_by_filter_name("data");
      if (fi->hfinfo->id == proto_data) return false;
      // the label when the tree holds one, as get_node_field_value() prints it
      out += fi->rep ? fi->rep->representation : fi->hfinfo->abbrev;
      return true;
    }
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
      if (!v.value.strbuf) return false;
      append_string(v.value.strbuf, out);
      return true;
    case FT_ETHER:
      if (!v.value.bytes || v.value.bytes->len != 6) return false;
      append_ether(v.value.bytes, out);
      return true;
    case FT_IPv4:
      if (v.value.ipv4.nmask != 0xffffffffu) return false;
      append_ipv4(v.value.ipv4.addr, out);
      return true;
    case FT_RELATIVE_TIME:
      if (v.value.time.secs < 0 || v.value.time.secs > 0xffffffffLL || v.value.time.nsecs < 0 ||
          v.value.time.nsecs >= 1000000000)
        return false;
      append_relative_time(v.value.time, out);
      return true;
    default:
      return false;
  }
}

}  // namespace xtractr
