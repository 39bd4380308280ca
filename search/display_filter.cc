// display_filter.cc — see display_filter.h. The steps live in filter_plan (reading the text),
// filter_candidates (step 1), filter_check and tree_rebuild (step 2).
#include "search/display_filter.h"

#include <mutex>

#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "search/filter_candidates.h"
#include "search/filter_check.h"

extern "C" {
#include <epan/dfilter/dfilter.h>
}

namespace xtractr {

struct DisplayFilter::Compiled {
  dfilter_t *df = nullptr;
  ~Compiled() {
    if (df) {
      std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
      dfilter_free(df);
    }
  }
};

DisplayFilter::DisplayFilter(const std::string &text) : text_(text), compiled_(std::make_unique<Compiled>()) {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  ensure_wireshark();
  gchar *error = nullptr;
  dfilter_loc_t loc{-1, 0};
  if (!dfilter_compile2(text.c_str(), &compiled_->df, &error, &loc)) {
    std::string message = error ? error : "invalid display filter";
    g_free(error);
    if (loc.col_start >= 0) message += " (at column " + std::to_string(loc.col_start + 1) + ")";
    throw UserError("filter: " + message + ": \"" + text + "\"");
  }
  g_free(error);
  if (!compiled_->df) {
    // libwireshark 4.0 also compiles a filter deep enough to overflow its parser's stack to
    // nothing, which tshark then applies as no filter at all
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      throw UserError("filter: the filter is empty: \"" + text + "\"");
    throw UserError("filter: libwireshark compiled the filter to nothing (nested too deeply for its parser?): \"" +
                    text + "\"");
  }
  analysis_ = analyse_filter(text);
}

DisplayFilter::~DisplayFilter() = default;

IdSet DisplayFilter::matching_frames(SearchIndex &index) const {
  Candidates found = candidates(*analysis_.plan, index);
  // answered by the index alone (presence, == on numbers and addresses, and/or/not of those)
  if (found.exact) return std::move(found.ids);
  return check_exactly(compiled_->df, text_, analysis_, index, found.ids);
}

}  // namespace xtractr
