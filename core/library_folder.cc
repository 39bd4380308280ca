// library_folder.cc — see library_folder.h.
#include "core/library_folder.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

namespace xtractr {

std::string library_folder(const void *address) {
  Dl_info info{};
  if (!dladdr(address, &info) || !info.dli_fname) return "";
  char resolved[PATH_MAX];
  std::string path = realpath(info.dli_fname, resolved) ? resolved : info.dli_fname;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace xtractr
