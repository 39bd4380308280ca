/* tree_guard.c — the libwireshark calls of a display filter's exact check that can THROW
 * (proto_tree_add_*, dfilter_apply_edt), each under Wireshark's exception handler, so that a
 * THROW becomes an error code instead of aborting the host.
 *
 * Usage (tree_rebuild.cc, filter_check.cc):
 *   if (xtractr_add_tree_items(edt->tree, items.data(), items.size()) != 0) ... report an error
 *   int matched = xtractr_apply_filter(df, edt);   // -1: libwireshark threw
 *
 * How it works: TRY/CATCH_ALL (epan/exceptions.h) are setjmp/longjmp macros. A longjmp skips
 * every frame between the THROW and the TRY without running destructors, so no C++ frame may
 * lie in between: the C++ side turns stored values into plain xtractr_tree_item records first
 * (any text they point to is owned by a caller frame, above the TRY), and this file alone
 * calls the throwing functions, from C frames that hold nothing to destroy. */
#include "search/tree_guard.h"

#include <epan/exceptions.h>

/* The proto_tree_add_<type> call for one item. */
static void add_item(proto_tree *tree, const xtractr_tree_item *item) {
  header_field_info *hf = item->hf;
  switch (hf->type) {
    case FT_NONE:
      proto_tree_add_none_format(tree, hf->id, NULL, 0, 0, "%s", "");
      break;
    case FT_PROTOCOL:
      proto_tree_add_protocol_format(tree, hf->id, item->tvb, 0, item->tvb ? (gint)tvb_captured_length(item->tvb) : 0,
                                     "%s", hf->name);
      break;
    case FT_BOOLEAN:
      proto_tree_add_boolean(tree, hf->id, NULL, 0, 0, (guint32)item->integer);
      break;
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
      proto_tree_add_uint(tree, hf->id, NULL, 0, 0, (guint32)item->integer);
      break;
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
      proto_tree_add_uint64(tree, hf->id, NULL, 0, 0, item->integer);
      break;
    case FT_INT8:
    case FT_INT16:
    case FT_INT24:
    case FT_INT32:
      proto_tree_add_int(tree, hf->id, NULL, 0, 0, (gint32)(guint32)item->integer);
      break;
    case FT_INT40:
    case FT_INT48:
    case FT_INT56:
    case FT_INT64:
      proto_tree_add_int64(tree, hf->id, NULL, 0, 0, (gint64)item->integer);
      break;
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
      proto_tree_add_string(tree, hf->id, NULL, 0, 0, (const char *)item->data);
      break;
    case FT_IPv4:
      proto_tree_add_ipv4(tree, hf->id, NULL, 0, 0, (ws_in4_addr)item->integer);
      break;
    case FT_IPv6:
      proto_tree_add_ipv6(tree, hf->id, NULL, 0, 0, &item->ipv6);
      break;
    case FT_ETHER:
      proto_tree_add_ether(tree, hf->id, NULL, 0, 0, item->data);
      break;
    case FT_EUI64:
      proto_tree_add_eui64(tree, hf->id, NULL, 0, 0, item->integer);
      break;
    case FT_FLOAT:
      proto_tree_add_float(tree, hf->id, NULL, 0, 0, (float)item->real);
      break;
    case FT_DOUBLE:
      proto_tree_add_double(tree, hf->id, NULL, 0, 0, item->real);
      break;
    case FT_RELATIVE_TIME:
    case FT_ABSOLUTE_TIME:
      proto_tree_add_time(tree, hf->id, NULL, 0, 0, &item->time);
      break;
    case FT_GUID:
      proto_tree_add_guid(tree, hf->id, NULL, 0, 0, &item->guid);
      break;
    default: /* FT_BYTES, FT_UINT_BYTES (tree_rebuild.cc makes no item of another type) */
      proto_tree_add_bytes_with_length(tree, hf->id, NULL, 0, 0, item->data, item->length);
      break;
  }
}

int xtractr_add_tree_items(proto_tree *tree, const xtractr_tree_item *items, size_t count) {
  volatile int failed = 0;
  TRY {
    for (size_t i = 0; i < count; ++i) add_item(tree, &items[i]);
  }
  CATCH_ALL { failed = 1; }
  ENDTRY;
  return failed;
}

int xtractr_apply_filter(dfilter_t *df, epan_dissect_t *edt) {
  volatile int matched = 0;
  TRY { matched = dfilter_apply_edt(df, edt) ? 1 : 0; }
  CATCH_ALL { matched = -1; }
  ENDTRY;
  return matched;
}
