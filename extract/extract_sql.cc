// extract_sql.cc — what the extraction library adds to SQL (extract_sql.h).
#include "extract/extract_sql.h"

#include "extract/extract_table.h"

namespace xtractr {

namespace {
const FunctionSpec *const kFunctions[] = {dissect_functions, write_pcap_functions, write_flows_functions, nullptr};
const TableFunctionGetter kTables[] = {stream_table, objects_table, credentials_table, nullptr};
}  // namespace

const SqlExports extract_sql = {"extract", kFunctions, kTables, nullptr};

}  // namespace xtractr
