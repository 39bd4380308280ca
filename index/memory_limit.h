// memory_limit.h — the ceiling on an indexing process's memory.
//
// Usage (C++, first thing in xtractr-indexer's main; from SQL it shows as an error):
//
//   limit_indexer_memory();
//
//   SELECT count(*) FROM packets('huge.pcap');
//   -- Error: xtractr: indexing '/…/huge.pcap' ran out of memory at frame 1234567; nothing was kept
//
// How it works: libwireshark keeps per-frame state until its process ends, so an indexer's
// memory grows with the frame count — ~130 M zero-length records in a 2 GB sparse pcap would
// need tens of GB. Unbounded, that swaps the machine to a halt; bounded, the indexer fails
// cleanly (std::bad_alloc, or glib's "failed to allocate" abort, each reported with the frame
// reached, build_process.h) and the host frees everything. The ceiling is an address-space
// limit (RLIMIT_AS) of half the machine's physical memory; XTRACTR_INDEXER_MEMORY_MB sets
// another (0: none).
#pragma once

#include <cstdint>

namespace xtractr {

// The ceiling in bytes (0: none), from XTRACTR_INDEXER_MEMORY_MB or half of physical memory.
uint64_t indexer_memory_limit();

// Applies indexer_memory_limit() to this process (never raises an existing lower limit).
void limit_indexer_memory();

}  // namespace xtractr
