// doc_ref.h — a reference to the doc of a packets()/flows() row, read one member at a time:
// the value of the tables' hidden `docref` column, and the C interface that reads it.
//
// Usage (SQL):
//
//   SELECT field(docref, 'ip.src'), count(*) FROM packets('day1.pcapng') GROUP BY 1;
//   SELECT mapreduce(docref, 'function (d) { emit(d.service, 1); }', '_sum') FROM packets('day1.pcapng');
//
// Usage (C, given a reader — index/doc_ref.h makes it; xtractr-v8.so receives it through
// udf/js_module.h):
//
//   void *state = reader->open();
//   const char *json; size_t size;
//   int found = reader->member(state, blob, blob_size, "ip.src", 6, &json, &size);  // 1, 0 or -1
//   const size_t *sizes;                              // or one member of n docrefs end to end:
//   long done = reader->members(state, blobs, n, "ip.src", 6, &json, &sizes);  // sizes[i]: doc i's
//   reader->close(state);
//
// How it works: `doc` is the row's JSON (~100 members built from every stored field of the
// frame); a function that reads one field pays for all of them. `docref` is a small BLOB
// naming the row — which open capture index (a slot of a registry in xtractr.so, with a
// per-process nonce, so a forged or stale blob is an error, never another capture's answer)
// and which row — so it survives sorters, GROUP BY and subqueries like any value. A reader
// spells just the asked-for member's JSON exactly as `doc` holds it (field(), fields() and the
// JavaScript docs therefore answer the same over either), decoding only that field's column of
// the frame's block, once per block while rows come in order; members() does that for a batch
// of docrefs in one call (a map that reads one field of every doc). Only C crosses here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" {

// "xdr" + layout version, then nonce (8 bytes), slot (4) and row id (8), host order.
#define XTRACTR_DOC_REF_MAGIC "xdr1"
#define XTRACTR_DOC_REF_SIZE 24
// members(): the size of a doc that has no such member.
#define XTRACTR_DOC_REF_ABSENT ((size_t)-1)

struct XtractrDocReader {
  void *(*open)(void);  // a reader state (its caches); nullptr when out of memory
  void (*close)(void *state);
  // 1 and the raw JSON of member `name` of the referenced doc; 0 when the doc has no such
  // member; -1 and a message (no "xtractr: " prefix) in *json. The text stays valid until the
  // next call on `state`.
  int (*member)(void *state, const void *ref, size_t ref_size, const char *name, size_t name_size, const char **json,
                size_t *json_size);
  // Member `name` of docrefs laid end to end (XTRACTR_DOC_REF_SIZE bytes each), from the first:
  // how many docs it answered (1 to `count`: it stops before a doc of another capture or another
  // block of 1,024 frames, so that a map reading several members decodes each block once), their
  // members' raw JSON one after another in *json and doc i's size in (*sizes)[i]
  // (XTRACTR_DOC_REF_ABSENT when doc i has none); or -1 and a message in *json when one of them
  // cannot be read (member() on each then tells which). Valid until the next call on `state`.
  long (*members)(void *state, const void *refs, size_t count, const char *name, size_t name_size, const char **json,
                  const size_t **sizes);
  // 1 and the whole doc's JSON, or -1 and a message, as member().
  int (*whole)(void *state, const void *ref, size_t ref_size, const char **json, size_t *json_size);
};
}

namespace xtractr {

// Whether a blob has the shape of a docref (the reader checks the rest).
inline bool looks_like_doc_ref(const void *blob, size_t size) {
  return blob && size == XTRACTR_DOC_REF_SIZE && std::memcmp(blob, XTRACTR_DOC_REF_MAGIC, 4) == 0;
}

}  // namespace xtractr
