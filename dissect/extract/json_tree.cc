// json_tree.cc — see json_tree.h.
#include "dissect/extract/json_tree.h"

#include <stdexcept>

extern "C" {
#include <epan/print.h>
#include <epan/proto.h>
#include <wsutil/json_dumper.h>
}

namespace xtractr {

std::string json_tree(epan_dissect_t *edt) {
  json_dumper dumper{};
  dumper.output_string = g_string_new(nullptr);
  dumper.flags = JSON_DUMPER_FLAGS_NO_DEBUG;
  write_json_proto_tree(nullptr, print_dissections_expanded, FALSE, nullptr, PF_NONE, edt, nullptr,
                        proto_node_group_children_by_json_key, &dumper);
  bool ok = json_dumper_finish(&dumper);
  std::string out(dumper.output_string->str, dumper.output_string->len);
  g_string_free(dumper.output_string, TRUE);
  if (!ok) throw std::runtime_error("libwireshark's JSON writer failed on this frame");
  return out;
}

std::vector<uint64_t> tree_integers(epan_dissect_t *edt, const char *field) {
  std::vector<uint64_t> out;
  int hf = proto_registrar_get_id_byname(field);
  if (hf < 0 || !edt->tree) return out;
  GPtrArray *found = proto_find_finfo(edt->tree, hf);
  if (!found) return out;
  for (guint i = 0; i < found->len; ++i) {
    auto *fi = static_cast<field_info *>(g_ptr_array_index(found, i));
    out.push_back(fvalue_get_uinteger(&fi->value));
  }
  g_ptr_array_free(found, TRUE);
  return out;
}

}  // namespace xtractr
