// write_flows_function.cc — placeholder while the function is written.
#include "extension/function_registry.h"
namespace xtractr {
const FunctionSpec write_flows_functions[] = {{nullptr, 0, 0, nullptr, nullptr, nullptr}};
}  // namespace xtractr
