// dissect_function.cc — placeholder while the function is written.
#include "extension/function_registry.h"
namespace xtractr {
const FunctionSpec dissect_functions[] = {{nullptr, 0, 0, nullptr, nullptr, nullptr}};
}  // namespace xtractr
