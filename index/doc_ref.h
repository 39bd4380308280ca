// doc_ref.h — the `docref` values of packets()/flows() rows and the reader behind them (the C
// interface and the idea: core/doc_ref.h).
//
// Usage (C++):
//
//   DocRefSlot slot = doc_ref_slot(member, /* flows */ false);    // once per capture of a scan
//   char blob[XTRACTR_DOC_REF_SIZE];
//   write_doc_ref(slot, local_id, blob);                          // per row: the docref value
//   DocRefReader reader;
//   std::string json;
//   if (reader.member(blob, "ip.src", json)) ...                  // the member's JSON, as in doc
//
// How it works: a slot is a registry entry (process-wide, never reused) holding a weak
// reference to a capture index and its collection bases; a docref is the registry's nonce,
// the slot and the row's local id. The reader keeps the slot's index open and a DocBuilder
// whose block caches make a scan in id order decode each block once per field read; a column
// is read from the index row (a scan in id order steps one cursor along the table; any other
// order seeks each row). A blob whose nonce or slot is not this
// registry's, or whose index was closed since, is an error naming the problem.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/doc_ref.h"
#include "core/sqlite_handles.h"
#include "index/capture_collection.h"
#include "index/doc_builder.h"

namespace xtractr {

using DocRefSlot = uint32_t;

// The registry slot of a collection member's packets (or flows), registered on first use.
DocRefSlot doc_ref_slot(const CollectionMember &member, bool flows);
// Writes the docref of row `local_id` of the slot's table to `out` (XTRACTR_DOC_REF_SIZE bytes).
void write_doc_ref(DocRefSlot slot, int64_t local_id, char *out);

class DocRefReader {
 public:
  // Appends member `name` of the referenced doc as JSON; false when the doc has none. Throws
  // UserError when `ref` is not a live docref.
  bool member(std::string_view ref, std::string_view name, std::string &out);
  // member() of the docrefs of `refs` (laid end to end) from the first, up to the first of
  // another capture or block (kFramesPerBlock frames): the JSON appended to `out`, and each doc's
  // size (XTRACTR_DOC_REF_ABSENT when it has none) to `sizes`; how many docs it read.
  size_t members(std::string_view refs, std::string_view name, std::string &out, std::vector<size_t> &sizes);
  // The whole doc, as the `doc` column holds it.
  std::string whole(std::string_view ref);
  // Decode the next block of the index on a thread of its own while one is read in order
  // (DocBuilder::read_ahead): the reader of map/reduce's docs, which go through every block.
  void read_ahead() { docs_.read_ahead(); }

 private:
  int64_t select(std::string_view ref);  // the referenced row's local id; opens its slot
  sqlite3_stmt *row(int64_t local_id);   // the index row of the current slot's table
  DocRefSlot slot_ = UINT32_MAX;
  CollectionMember member_;
  bool flows_ = false;
  DocBuilder docs_;
  Statement rows_;       // the table's rows from an id on (row())
  int id_column_ = 0;    // where rows_ has the id
  int64_t row_id_ = -1;  // the row rows_ is on, -1 when none
};

// The C reader xtractr-v8.so reads docrefs with (udf/js_module.h).
const XtractrDocReader *doc_ref_reader();

}  // namespace xtractr
