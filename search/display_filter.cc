// display_filter.cc — see display_filter.h. The steps live in filter_plan (reading the text),
// filter_candidates (step 1), filter_check and tree_rebuild (step 2).
#include "search/display_filter.h"

#include <mutex>

#include "core/interruption.h"
#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "search/filter_candidates.h"
#include "search/filter_check.h"
#include "search/search_index.h"

extern "C" {
#include <epan/dfilter/dfilter.h>
}

namespace xtractr {

namespace {

// libwireshark 4.0's filter scanner (epan/dfilter/scanner.l) has no rule for a backslash that
// ends the text of a quoted string or character — before a newline, or at the end of the filter
// — so flex's default rule ECHOes it to the process's stdout, which is the host's output, and
// drops it. Dropping it here first gives the scanner the same text, without the echo. The walk
// follows the scanner's states: outside quotes, '"' and '\'' open a string or a character and
// '[' a slice (whose text holds no quotes, up to ']'); inside quotes, a backslash takes the
// next character with it.
std::string without_scanner_echo(const std::string &text) {
  enum class State { Plain, String, Character, Slice } state = State::Plain;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (state == State::Plain) {
      state = c == '"' ? State::String : c == '\'' ? State::Character : c == '[' ? State::Slice : State::Plain;
    } else if (state == State::Slice) {
      if (c == ']') state = State::Plain;
    } else if (c == (state == State::String ? '"' : '\'')) {
      state = State::Plain;
    } else if (c == '\\') {
      if (i + 1 == text.size() || text[i + 1] == '\n') continue;  // the backslash flex would echo
      out.push_back(c);
      out.push_back(text[++i]);
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

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
  const std::string scanned = without_scanner_echo(text);
  if (!dfilter_compile2(scanned.c_str(), &compiled_->df, &error, &loc)) {
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
  analysis_ = analyse_filter(scanned);
}

DisplayFilter::~DisplayFilter() = default;

IdSet DisplayFilter::matching_frames(SearchIndex &index) const {
  Candidates found = candidates(*analysis_.plan, index);
  // answered by the index alone (presence, == on numbers and addresses, and/or/not of those)
  if (found.exact) return std::move(found.ids);
  // `frame contains "needle"` alone: each candidate's own bytes answer it, as Wireshark compares
  // the frame protocol's bytes, without building a protocol tree. `tcp.payload contains` and
  // `udp.payload contains` alone: a payload sliced from the frame holds the needle only if the
  // frame's bytes do, so only those frames (and the ones whose payload may lie elsewhere:
  // reassembled IP fragments, a compressed capture) get the tree of the exact check.
  const FilterPlan &plan = *analysis_.plan;
  if (plan.kind == FilterPlan::Kind::Field && !plan.payload_needle.empty()) {
    const bool whole_frame = plan.field == "frame";
    if (whole_frame || plan.field == "tcp.payload" || plan.field == "udp.payload") {
      const CaptureIndex &capture = *index.member().index;
      IdSet out;
      auto unsliced = found.unsliced.begin();
      for (size_t i = 0; i < found.ids.size(); ++i) {
        if (i % 4096 == 4095)
          check_interrupted("filter on '" + capture.capture() + "' was interrupted: \"" + text_ + "\"");
        const uint32_t id = found.ids[i];
        while (unsliced != found.unsliced.end() && *unsliced < id) ++unsliced;
        if ((!whole_frame && unsliced != found.unsliced.end() && *unsliced == id) ||
            capture.frame_bytes(id).find(plan.payload_needle) != std::string::npos)
          out.push_back(id);
      }
      return whole_frame ? out : check_exactly(compiled_->df, text_, analysis_, index, out);
    }
  }
  return check_exactly(compiled_->df, text_, analysis_, index, found.ids);
}

}  // namespace xtractr
