// search_terms.h — how frames are spelled in the Xapian search index (shared by the writer,
// the query evaluator, the display-filter planner and the catalogs).
//
// Usage: internal; see search_index_writer.h (writing) and query_evaluator.h (reading).
//
// How it works: the search index is a Xapian database in `<index dir>/search/`, one document
// per frame, docid = frame.number. Field names are long ("http.request.method"), so each field
// gets a small id, spelled in base 36, and terms carry the id, not the name:
//
//   V<id>:<value>   the frame carries the field with this value          e.g. "V1k:GET"
//   F<id>:<value>   ... a string value with upper-case letters, lower-cased e.g. "F1k:get"
//   P<id>           the frame carries the field with a value not spelled   e.g. "P1k"
//                   as a V term (protocols, FT_NONE, floats, long values)
//   W<word>         a word of a string field                              e.g. "Wmozilla"
//
// So the frames carrying a field are those of its P term and of all its V terms. To keep the
// index small (and fast to write: Xapian costs about a microsecond per posting):
//   - presence is not repeated for fields whose values are spelled;
//   - fields that only restate others have no terms (kFieldAliases): ip.addr is ip.src|ip.dst,
//     tcp.port is tcp.srcport|tcp.dstport, eth.src.oui is present exactly when eth.src is ...;
//   - header bookkeeping nobody searches by value (checksums, sequence numbers, lengths,
//     header flags, TTLs, times, floats — implied_field()) has no terms either: such a field is
//     taken to be present in the frames of its protocol (a superset; a P term marks the rare
//     frame where it appears without it), and its values are checked on the stored values;
//   - raw bytes nobody searches by value but whose presence is asked (tcp.options,
//     presence_only_field()) have their P term alone, values checked on the stored values;
//   - packet columns restating a field of the frame have no terms (kImpliedColumns, below);
//   - words come from string fields (not from frame.protocols or the Info column).
//
// Values are normalised: integers in decimal, bytes in lower-case hex (as tshark prints them),
// other text lower-cased (addresses, OIDs ...), except the values of string fields, which are
// spelled as they are: Wireshark compares strings case-sensitively, so `==`, `!=`, `in` and
// `contains` on a string field are answered from the V terms alone. A string value with
// upper-case letters also gets an F term, lower-cased, so that a case-insensitive lookup (the
// query language's) is the V term of the lower-cased value plus its F term — exact, no scan.
// (spell_text_value() is the one place these rules are applied.)
// Values that would bloat the index without helping search (floating-point numbers, times,
// checksums, sequence numbers, protocol labels, long strings and byte strings) get only the
// presence term; such fields are marked `incomplete` and queries on their values are checked
// against the stored field values of the frames that carry them (exact, but slower).
// The table of fields (id → name, flags) is the Xapian metadata key "fields".
//
// Dense terms are stored as their complement. A term carried by most frames (pkt.service:tcp,
// eth.type:0x0800, tcp.flags.syn:0 ...) costs a posting in almost every document — about half
// of all postings, and a third of the search index's size. The writer picks the terms carried
// by more than half of the first kComplementSample frames and writes, for each, the term
// "!<term>" in the frames that do NOT carry it; the list of such terms is the metadata key
// "complemented". Readers (search_index.h) turn them back: the frames of a complemented term
// are all frames minus those of "!<term>". Exact whatever the rest of the capture looks like;
// only the saving depends on the sample being typical.
// Packet columns are pseudo-fields named `pkt.*`. Most of their values restate a field of the
// same frame (pkt.src is ip.src or ipv6.src, pkt.sport tcp.srcport or udp.srcport, pkt.caplen
// pkt.length): together about a fifth of all postings, saying nothing new. So a column listed
// in kImpliedColumns gets its V term only where its value is not spelled by its sources: in a
// frame whose V terms of the sources spell exactly one value, in one source field, and that
// value is the column's, the column has no term (implied); in a frame with source values that
// do not imply it (tunnels and ICMP errors carry two ip.src, a value differs ...) the column's
// V term is written with the frame's marker term E<id> ("spelled explicitly"); in a frame
// without source values, its V term alone. Readers (search_index.h) turn them back: the frames
// of "V<pkt.src>:x" are those of the term plus those of the sources' "V<ip.src>:x" and
// "V<ipv6.src>:x" without the marker, so no caller sees the difference.
// Documents have no value slots: times, flow
// ids and directions are read from the packets table of index.db (the builder renumbers flows
// after the last frame; a time slot would repeat a column the table has anyway).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xtractr {

// Flags of a field in the search index.
enum SearchFieldFlag : unsigned {
  kFieldIncomplete = 1,  // some values have no V term: value queries need the stored values
  kFieldString = 2,      // a string field: its words are W terms
  kFieldDerived = 4,     // no terms: an alias of other fields (kFieldAliases)
  kFieldImplied = 8,     // no terms of its own: carried by the frames of its protocol (`parent`),
                         // plus its P term in the rare frames where it appears without it
};

struct SearchField {
  std::string name;
  unsigned flags = 0;
  uint64_t frames = 0;           // frames carrying it
  std::vector<int32_t> parents;  // kFieldImplied: the field ids of its protocols (one per
                                 // header field of that name: ip.version is ip's and ipv6's)
};

// A field the index answers through others. `same_values`: its values are exactly the values
// of the targets (ip.addr = ip.src|ip.dst), so their value terms answer value queries; otherwise
// only presence follows the targets and values are checked on the stored values.
struct FieldAlias {
  const char *name;
  const char *targets[2];  // second may be nullptr
  bool same_values;
};
const FieldAlias *find_alias(const std::string &name);
// Header bookkeeping indexed without values (see above).
bool implied_field(const std::string &name);
// Fields indexed by their presence term alone, values checked on the stored values: raw
// bytes nobody searches by value whose presence is still asked (tcp.options). Unlike an
// implied field's, the presence is exact, and cheap where dense (stored as its complement).
bool presence_only_field(const std::string &name);

// base-36 spelling of a field id
std::string field_code(uint32_t id);
inline std::string presence_term(uint32_t id) { return "P" + field_code(id); }
inline std::string value_prefix(uint32_t id) { return "V" + field_code(id) + ":"; }
inline std::string folded_prefix(uint32_t id) { return "F" + field_code(id) + ":"; }
inline std::string word_term(std::string_view word) { return "W" + std::string(word); }

// Lower-cases ASCII letters.
std::string lower_ascii(std::string_view text);
// Appends the words (runs of ASCII letters/digits, lower-cased, 2..64 characters) of `text`.
void split_words(std::string_view text, std::vector<std::string> &out);

// Longest value spelled in a V term (Xapian terms are limited to ~245 bytes).
constexpr size_t kMaxValueTerm = 200;

// The spelling of a text value (at most kMaxValueTerm bytes) in its V term, into `value`, and
// in its F term into `folded` (left empty when there is none): a string field's value as it is
// and, when it has upper-case letters, lower-cased; other text lower-cased, no F term.
void spell_text_value(std::string_view text, bool string_field, std::string &value, std::string &folded);

// The metadata encoding of the field table.
std::string encode_fields(const std::vector<SearchField> &fields);
std::vector<SearchField> decode_fields(const std::string &text);

// Complemented terms (see above): the sample that chooses them, the spelling of the stored
// complement, and the metadata encoding of their list ('\0'-separated; terms never hold '\0').
constexpr size_t kComplementSample = 8192;
inline std::string complement_term(std::string_view term) { return "!" + std::string(term); }
std::string encode_terms(const std::vector<std::string> &terms);
std::vector<std::string> decode_terms(const std::string &text);

// The pseudo-fields of the packet columns (ids 0..n-1 in this order).
extern const char *const kPacketColumnFields[];
constexpr int kPacketColumnFieldCount = 8;

// Packet columns whose V terms are implied by the V terms of their sources (see above).
struct ImpliedColumn {
  const char *column;
  const char *sources[2];  // second may be nullptr
};
constexpr int kImpliedColumnCount = 5;
extern const ImpliedColumn kImpliedColumns[kImpliedColumnCount];
// The marker of the frames where column `id`'s value is spelled by its own V term, not implied.
inline std::string explicit_term(uint32_t id) { return "E" + field_code(id); }

}  // namespace xtractr
