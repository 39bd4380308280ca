// fuzz_display_filter.cc — libFuzzer target: a display filter's way into the index, as
// packets(c, NULL, '<input>') takes it: libwireshark's compiler, then xtractr's planner
// (search/display_filter.h, search/filter_plan.h).
//
// Usage: build-fuzz/tests/fuzz/fuzz_display_filter -max_total_time=600 CORPUS_COPY tests/fuzz/corpus/display_filter
//
// How it works: any bytes are a filter text. DisplayFilter compiles it with dfilter_compile2
// (what libwireshark refuses is a UserError, a right answer) and plans what it compiled
// (analyse_filter: the lexer and recursive-descent reader of its and/or/not structure).
// libwireshark is initialised once, before the first input (~1 s).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "search/display_filter.h"

// LeakSanitizer (libFuzzer reports what an input leaves allocated) in libwireshark 4.0's filter
// compiler, which we cannot fix: it loses the message it formats for some refused slices
// (corpus regress-leak-slice, `eth.addr[0:#] == 00:00:00`: 27 bytes from wmem_strdup_printf)
// and the syntax nodes of a filter nested too deep for its parser (regress-leak-deep-nesting:
// 67 bytes; DisplayFilter refuses what compiled to nothing). DisplayFilter frees the message
// and the filter it is handed. Those frames are unwound only by the slow unwinder (glibc and
// GLib have no frame pointers: the fast one stops at vasprintf or g_malloc), so this target
// records allocations with it (about 6 times fewer inputs per second) and suppresses leaks
// allocated under dfilter_compile_real, which only libwireshark's own code is.
extern "C" const char *__asan_default_options() { return "fast_unwind_on_malloc=0"; }
extern "C" const char *__lsan_default_suppressions() { return "leak:dfilter_compile_real\n"; }

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  xtractr::ensure_wireshark();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  if (text.find('\0') != std::string::npos) return 0;  // SQL text reaches libwireshark as a C string
  try {
    xtractr::DisplayFilter filter(text);
  } catch (const xtractr::UserError &) {
  }
  return 0;
}
