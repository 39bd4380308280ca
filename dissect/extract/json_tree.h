// json_tree.h — a dissected frame as the JSON object `tshark -T json --no-duplicate-keys`
// prints for it: {"_index":…, "_type":"doc", "_score":null, "_source":{"layers":{…}}}.
//
// Usage (C++): session.dissect(n, offset, [&](epan_dissect_t *edt) { json = json_tree(edt); });
//
// How it works: libwireshark's own JSON writer (epan/print.h write_json_proto_tree, the code
// behind tshark -T json) fills a json_dumper over a GString, with children grouped by JSON
// key (proto_node_group_children_by_json_key): a field that occurs several times in a layer
// is one key holding an array, so the result is valid JSON. The tree must be built
// (ReplaySession::Options::tree).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include <epan/epan_dissect.h>
}

namespace xtractr {

std::string json_tree(epan_dissect_t *edt);

// Values of a field in the dissection's tree, in tree order (integers only; e.g. tcp.stream).
std::vector<uint64_t> tree_integers(epan_dissect_t *edt, const char *field);

}  // namespace xtractr
