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
