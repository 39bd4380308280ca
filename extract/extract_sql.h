// extract_sql.h — what the extraction library adds to SQL, for the extension's registration
// list (core/function_registry.h).
//
// Functions: xtractr_dissect(capture, id), xtractr_write_pcap(path, capture, id [, mode]),
// xtractr_write_flows(path, capture, flow [, mode]).
// Table-valued functions: xtractr_stream(capture, flow [, layer]), xtractr_objects(capture [, query]),
// xtractr_credentials(capture).
#pragma once

#include "core/function_registry.h"

namespace xtractr {

extern const SqlExports extract_sql;

// The function arrays of the feature files (dissect_function.cc, write_*_function.cc).
extern const FunctionSpec dissect_functions[];
extern const FunctionSpec write_pcap_functions[];
extern const FunctionSpec write_flows_functions[];

}  // namespace xtractr
