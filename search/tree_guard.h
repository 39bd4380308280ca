/* tree_guard.h — see tree_guard.c. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <epan/dfilter/dfilter.h>
#include <epan/epan_dissect.h>
#include <epan/proto.h>

/* One stored value, ready for the proto_tree_add_<type> call of its header field's type. */
typedef struct xtractr_tree_item {
  header_field_info *hf;
  guint64 integer;    /* integers and booleans (shifted, masked), FT_EUI64, FT_IPv4 as inet_pton stores it */
  double real;        /* FT_FLOAT, FT_DOUBLE */
  nstime_t time;      /* FT_RELATIVE_TIME, FT_ABSOLUTE_TIME */
  e_guid_t guid;      /* FT_GUID */
  ws_in6_addr ipv6;   /* FT_IPv6 */
  const guint8 *data; /* FT_STRING*: NUL-terminated text; FT_ETHER: 6 bytes; FT_BYTES: `length` bytes */
  int length;
  tvbuff_t *tvb; /* FT_PROTOCOL `frame`: the frame's bytes, else NULL */
} xtractr_tree_item;

/* Adds the items to `tree`; 0, or 1 when libwireshark threw (the tree may then hold some). */
int xtractr_add_tree_items(proto_tree *tree, const xtractr_tree_item *items, size_t count);

/* dfilter_apply_edt: 1 match, 0 no match, -1 when libwireshark threw. */
int xtractr_apply_filter(dfilter_t *df, epan_dissect_t *edt);

#ifdef __cplusplus
}
#endif
