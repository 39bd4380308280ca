// field_text.h — a field's text as `tshark -T fields` prints it, without libwireshark's
// allocations for the types almost every frame carries.
//
// Usage (C++; the tree walk of frame_dissector.cc):
//   if (!append_field_text(fi, arena)) {            // strings, addresses, times, protocols
//     gchar *text = get_node_field_value(fi, edt);  // anything else: libwireshark formats it
//     ...
//   }
//
// From SQL: the text of every string-like field a query reads.
//   SELECT field(doc, 'eth.src'), field(doc, 'frame.time_delta') FROM packets('day1.pcapng');
//
// How it works: get_node_field_value() formats through fvalue_to_string_repr(), which
// allocates a string buffer per value and, for strings, appends them byte by byte to escape
// NUL; on a large capture that was a seventh of the dissecting thread's time. The five types
// that make up nearly all of those values (FT_STRING, FT_PROTOCOL, FT_ETHER, FT_IPv4,
// FT_RELATIVE_TIME) are written straight into the caller's buffer in the same text;
// every other type, and every case with a twist (an IPv4 value with a netmask, a negative
// time), returns false and goes the slow way. tests/unit/field_text_test.cc checks both ways
// agree on every field of every frame of the test captures.
#pragma once

#include <string>

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

// Appends the field's `-T fields` text to `out` and returns true, or returns false (and
// appends nothing) when the type is not one of the fast ones.
bool append_field_text(const field_info *fi, std::string &out);

}  // namespace xtractr
