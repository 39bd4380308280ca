// tree_rebuild_test.cc — rebuilding a frame's tree from stored values (search/tree_rebuild.h)
// when libwireshark THROWs: the error comes back, and no C++ object is left behind.
//
// Usage: build/tests/search/xtractr_search_unit_tests "[tree_rebuild]"   (or ctest -R "search unit")
//
// How it works: Wireshark's exceptions are longjmps, which skip the destructors of every C++
// frame between the THROW and the TRY. The test counts live operator-new allocations (this
// binary replaces the global operator new/delete) around a rebuild that libwireshark refuses:
// its guard against runaway dissectors (more than prefs.gui_max_tree_items items in one tree)
// throws from inside proto_tree_add_*, the same way a refused value does; lowering the limit
// makes a real string field's value hit it. A string long enough to live on the heap would be
// leaked if its destructor were skipped.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>

#include "dissect/wireshark_runtime.h"
#include "search/tree_rebuild.h"

extern "C" {
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/prefs.h>
}

namespace {
std::atomic<long> live_allocations{0};
}

void *operator new(std::size_t n) {
  void *p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  ++live_allocations;
  return p;
}
void operator delete(void *p) noexcept {
  if (!p) return;
  --live_allocations;
  std::free(p);
}
// clang declares no sized delete in <new> (no -fsized-deallocation), so the project's
// -fvisibility=hidden would hide these two from the libraries (Xapian frees through them)
__attribute__((visibility("default"))) void operator delete(void *p, std::size_t) noexcept { operator delete(p); }
// every form that pairs with the ones above: Catch2 allocates with the nothrow form, which
// AddressSanitizer's runtime would otherwise provide, and frees through the replaced delete
// (ASan: alloc-dealloc-mismatch, operator new vs free)
void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
  void *p = std::malloc(n ? n : 1);
  if (p) ++live_allocations;
  return p;
}
void operator delete(void *p, const std::nothrow_t &) noexcept { operator delete(p); }
void *operator new[](std::size_t n) { return operator new(n); }
void *operator new[](std::size_t n, const std::nothrow_t &tag) noexcept { return operator new(n, tag); }
void operator delete[](void *p) noexcept { operator delete(p); }
__attribute__((visibility("default"))) void operator delete[](void *p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { operator delete(p); }

using namespace xtractr;

TEST_CASE("a value libwireshark refuses is reported, and its longjmp skips no C++ destructor", "[tree_rebuild]") {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  ensure_wireshark();
  header_field_info *hf = proto_registrar_get_byname("http.user_agent");
  REQUIRE(hf);
  REQUIRE(hf->type == FT_STRING);
  const std::string agent = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0";
  std::vector<StoredValue> values(1);
  values[0].id = 0;
  values[0].kind = ValueKind::Text;
  values[0].bytes = agent;
  const std::vector<header_field_info *> rebuild_as = {hf};

  static const packet_provider_funcs no_provider = {nullptr, nullptr, nullptr, nullptr};
  epan_t *epan = epan_new(nullptr, &no_provider);
  epan_dissect_t *edt = epan_dissect_new(epan, TRUE, FALSE);
  epan_dissect_prime_with_hfid(edt, hf->id);
  CHECK(rebuild_tree(edt->tree, values, rebuild_as, nullptr));  // one item: within the limit

  const guint limit = prefs.gui_max_tree_items;
  prefs.gui_max_tree_items = 1;  // the next item THROWs DissectorError
  const long before = live_allocations.load();
  const bool added = rebuild_tree(edt->tree, values, rebuild_as, nullptr);
  const long after = live_allocations.load();
  prefs.gui_max_tree_items = limit;
  epan_dissect_free(edt);
  epan_free(epan);
  CHECK_FALSE(added);
  CHECK(after == before);
}
