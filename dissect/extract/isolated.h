// isolated.h — runs a re-dissection in a child process and hands its result back.
//
// Usage (C++):
//   std::string json = run_isolated([&] { return dissect_frame_to_json(...); });
//
// How it works: libwireshark 4.0 keeps ~10 MB per epan session that epan_free() never
// returns (its name-resolution tables are rebuilt by every epan_new()), so a query that
// re-dissects once per row (xtractr_stream over every flow, xtractr_dissect over every frame)
// would grow the host without bound. Per-row work therefore runs in a fork()ed child: the
// child does the work with the parent's already-initialised libwireshark, writes its result
// to a pipe and _exit()s; the memory goes with it. A dissector that crashes or aborts kills
// only the child, and the query gets an error instead of the host dying. The caller holds
// dissection_mutex(), so no other thread is inside libwireshark while forking.
#pragma once

#include <functional>
#include <string>

namespace xtractr {

// Returns work()'s result; throws std::runtime_error with work()'s message if it threw, or
// with the reason the child died.
std::string run_isolated(const std::function<std::string()> &work);

}  // namespace xtractr
