// extract_modules.cc — the extraction table functions, for xtractr.cc's registration loop.
#include "core/function_registry.h"
#include "extract/extract_table.h"

namespace xtractr {

const ModuleSpec extract_modules[] = {
    {"xtractr_stream", &extract_table_module, &stream_table_spec},
    {"xtractr_objects", &extract_table_module, &objects_table_spec},
    {"xtractr_credentials", &extract_table_module, &credentials_table_spec},
    {nullptr, nullptr, nullptr},
};

}  // namespace xtractr
