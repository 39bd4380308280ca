// memory_limit.cc — see memory_limit.h.
#include "index/memory_limit.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

namespace xtractr {

uint64_t indexer_memory_limit() {
  if (const char *mb = std::getenv("XTRACTR_INDEXER_MEMORY_MB"); mb && *mb)
    return uint64_t(std::strtoull(mb, nullptr, 10)) << 20;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) / 2 : 0;
}

void limit_indexer_memory() {
  uint64_t limit = indexer_memory_limit();
  struct rlimit current {};
  if (limit == 0 || getrlimit(RLIMIT_AS, &current) != 0) return;
  if (current.rlim_cur != RLIM_INFINITY && current.rlim_cur <= limit) return;
  current.rlim_cur = rlim_t(limit);
  setrlimit(RLIMIT_AS, &current);
}

}  // namespace xtractr
