/* tree_guard.c — runs a callback that adds items to a protocol tree under Wireshark's exception
 * handler, so a THROW in proto_tree_add_*() becomes an error code instead of aborting the host.
 *
 * Usage (display_filter.cc): if (xtractr_guarded(add_values, &state) != 0) ... report an error.
 *
 * How it works: TRY/CATCH_ALL (epan/exceptions.h) are setjmp/longjmp macros; they live in C so
 * that no C++ frame of ours has to hold them. The callback must keep only trivially
 * destructible state across the calls that can throw. */
#include <epan/exceptions.h>

#include "search/tree_guard.h"

int xtractr_guarded(void (*callback)(void *), void *context) {
  volatile int failed = 0;
  TRY { callback(context); }
  CATCH_ALL { failed = 1; }
  ENDTRY;
  return failed;
}
