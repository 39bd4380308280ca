// library_folder.h — the folder of the shared object (or program) some code is linked into,
// where xtractr finds its neighbours: xtractr-indexer and xtractr-v8.so sit beside xtractr.so.
//
// Usage (C++):
//   std::string folder = library_folder(reinterpret_cast<const void *>(&some_function));
//   std::string indexer = (folder.empty() ? std::string(".") : folder) + "/xtractr-indexer";
//
// How it works: dladdr() names the object holding the address, as it was opened; realpath()
// resolves symlinks, so a link to xtractr.so (an installed lib/<arch>/xtractr.so ->
// xtractr/xtractr.so, which `.load xtractr` finds) still leads to the real folder.
#pragma once

#include <string>

namespace xtractr {

// The folder (no trailing slash) of the object holding `address`; empty when unknown.
std::string library_folder(const void *address);

}  // namespace xtractr
