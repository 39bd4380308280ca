// report_spec.h — parses xtractr_report's 'QUERY > REPORT' text.
//
// Usage (C++):
//   ReportSpec r = parse_report("flow.service:HTTP > sum('flow.src', 'flow.bytes')");
//   // r.query == "flow.service:HTTP", r.name == "sum", r.args == {"flow.src", "flow.bytes"}, r.flows
//
// How it works: the query language has its own '>' (pkt.length:>1000), so the report is the
// text after the last '>' that is followed by a well-formed `name(arguments)` and nothing
// else; without such a '>' the whole text must be a report. Arguments are quoted strings
// ('x' or "x"), numbers, or bare words (taken as strings).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "udf/mapreduce_job.h"

namespace xtractr {

struct ReportSpec {
  std::string query;  // "" = everything
  std::string name;   // count, sum, ...
  std::vector<ReportArgument> args;
  bool flows = false;  // the documents are flows (flow.* names used)
};

ReportSpec parse_report(std::string_view text);  // throws UserError

// Whether the text names a flow column (flow.src, flow.bytes, ...).
bool mentions_flow_names(std::string_view text);

}  // namespace xtractr
