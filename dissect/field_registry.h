// field_registry.h — what xtractr knows of libwireshark's header fields (hf ids): a field's
// name, type, how its values are stored, its protocol; looked up by id, by name, or by name
// and type.
//
// A process that dissects asks libwireshark itself. The merging process of a partitioned build
// (index/partitioned_build.h) never starts libwireshark (~140 MB of memory and ~0.2 s of CPU
// before the first frame, per process): while an AnnouncedFields scope is open, the same
// functions answer from what its workers announced in their frame streams
// (index/frame_stream.h), under ids of the merging process's own.
//
// Usage (C++; SQL never sees it):
//   int hf = field_id("tcp.stream");            // -1 when no such field
//   std::string name = field_name(hf);          // "tcp.stream"
//   ValueKind kind = field_kind(hf);            // Integer
//
//   AnnouncedFields scope;                      // the merging process, for the whole merge
//   int ours = announced_field_id(facts);       // a frame stream's 'N' item
//   field_id("tcp.stream") == ours              // when the worker announced tcp.stream
//
// How it works: announced fields get ids 0, 1, 2 … in order of first mention, and are found by
// name and type (FieldIdentity): two workers' announcements of one field map to one id. A
// lookup by name alone (field_id(name), done before the streams say anything, e.g. for
// tcp.stream) reserves an id for the name that the first announcement of that name then
// takes; the names the index looks up that way each have a single type in libwireshark
// (tests/unit checks it), so that is the field libwireshark's own lookup would give. A
// protocol named as a parent that is not itself announced is kept as an FT_PROTOCOL entry.
// Announcements come from the thread that reads the streams while the index writers' threads
// read facts: a mutex guards the table (lookups are rare — every caller caches what it needs
// per id). While the scope is open ensure_wireshark() refuses to start libwireshark, so a
// merge that would need it fails loudly in tests instead of growing by 140 MB.
#pragma once

#include <memory>
#include <string>

#include "dissect/frame_record.h"

namespace xtractr {

// What names a header field in any process. Ids do not: two processes of one program can give
// a field different ids (libwireshark registers some fields in hash-table order, e.g. those
// the XML dissector makes from DTD files).
struct FieldIdentity {
  std::string name;  // abbrev; several fields can share one
  int type;          // ftenum_t
};

// All a merging process needs to know of a field: announced once per field by each worker.
struct FieldFacts {
  FieldIdentity identity;
  ValueKind kind = ValueKind::Text;
  std::string parent;  // the protocol's abbrev, "" for a protocol
};

FieldFacts field_facts(int hf_id);  // identity "" and -1 for an unknown id
// The id of the (first) field with that name and type in this process, -1 when none.
int field_id(const FieldIdentity &identity);
// The header-field id of a registered field name, -1 when there is none.
int field_id(const char *name);
inline int field_id(const std::string &name) { return field_id(name.c_str()); }

// The registered name (abbrev) of a header field, and how its values are stored.
std::string field_name(int hf_id);
ValueKind field_kind(int hf_id);

// The integer field types, stored and compared as numbers: FT_INT*, FT_UINT* and FT_FRAMENUM
// (not FT_CHAR, which tshark prints as a character). `type` is an ftenum_t.
bool integer_field_type(int type);

// While one lives, field facts come from announcements (one at a time per process).
class AnnouncedFields {
 public:
  AnnouncedFields();  // throws std::logic_error when one is open already
  ~AnnouncedFields();
  AnnouncedFields(const AnnouncedFields &) = delete;
  AnnouncedFields &operator=(const AnnouncedFields &) = delete;
};

// This process's id for a field another process announced: while a scope is open, the
// announced table's (the same id for the same identity, added when new); else
// libwireshark's, by name and type (-1 when it has no such field).
int announced_field_id(const FieldFacts &facts);

// True while an AnnouncedFields scope is open (ensure_wireshark() asks).
bool fields_announced();

}  // namespace xtractr
