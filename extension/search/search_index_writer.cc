// search_index_writer.cc — see search_index_writer.h.
#include "extension/search/search_index_writer.h"

#include <xapian.h>

#include <cstring>
#include <unordered_map>
#include <vector>

#include "dissect/wireshark_runtime.h"
#include "extension/index_location.h"
#include "extension/search/search_terms.h"

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

namespace {

enum class Policy : uint8_t { Skip, Derived, PresenceOnly, Values };

// Fields whose values are (nearly) unique per frame: value terms would double the index and
// nobody searches for them by value; they are still searchable through the stored values.
bool unique_per_frame(const std::string &name) {
  static const char *const names[] = {
      "frame.number", "tcp.seq", "tcp.ack", "tcp.nxtseq", "tcp.seq_raw", "tcp.ack_raw",
      "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr", "ip.id", "frame.offset_shift",
      "tcp.analysis.acks_frame", "tcp.reassembled_in", "tcp.segment", "udp.time_relative",
      "tcp.window_size", "tcp.window_size_value", "tcp.options.timestamp.tsval_raw"};
  for (const char *n : names)
    if (name == n) return true;
  return name.find("checksum") != std::string::npos || name.find(".crc") != std::string::npos;
}

bool is_string_type(int type) {
  switch (type) {
    case FT_STRING: case FT_STRINGZ: case FT_UINT_STRING: case FT_STRINGZPAD: case FT_STRINGZTRUNC:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct SearchIndexWriter::Impl {
  std::string path;
  Xapian::WritableDatabase db;
  std::vector<SearchField> fields;
  std::unordered_map<std::string, uint32_t> by_name;
  struct HfInfo { int32_t field = -1; Policy policy = Policy::Skip; bool string = false; };
  std::vector<HfInfo> by_hf;
  std::vector<std::string> words;
  std::vector<uint32_t> last_frame;  // per field id: the last frame counted
  // the pkt.* pseudo-fields' prefixes
  std::vector<std::string> column_prefix;

  explicit Impl(const std::string &directory)
      : path(directory), db(directory + ".tmp", Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_TERMLIST) {
    for (int i = 0; i < kPacketColumnFieldCount; ++i) {
      field_id(kPacketColumnFields[i]);
      column_prefix.push_back(value_prefix(uint32_t(i)));
    }
  }

  uint32_t field_id(const std::string &name) {
    auto found = by_name.find(name);
    if (found != by_name.end()) return found->second;
    uint32_t id = uint32_t(fields.size());
    fields.push_back(SearchField{name, 0, 0});
    last_frame.push_back(0);
    by_name.emplace(name, id);
    return id;
  }

  const HfInfo &info(int hf_id) {
    if (hf_id < 0) { static HfInfo none; return none; }
    if (size_t(hf_id) >= by_hf.size()) by_hf.resize(size_t(hf_id) + 1024);
    HfInfo &h = by_hf[size_t(hf_id)];
    if (h.field >= 0 || h.policy != Policy::Skip) return h;
    header_field_info *hf = proto_registrar_get_nth(hf_id);
    std::string name = field_name(hf_id);
    if (!hf || name.empty()) return h;
    h.field = int32_t(field_id(name));
    if (find_alias(name)) {
      h.policy = Policy::Derived;
      fields[size_t(h.field)].flags |= kFieldDerived;
      return h;
    }
    h.string = is_string_type(hf->type);
    if (h.string) fields[size_t(h.field)].flags |= kFieldString;
    ValueKind kind = field_kind(hf_id);
    bool values = kind != ValueKind::Present && kind != ValueKind::NumberText && hf->type != FT_PROTOCOL &&
                  hf->type != FT_ABSOLUTE_TIME && hf->type != FT_RELATIVE_TIME && !unique_per_frame(name);
    h.policy = values ? Policy::Values : Policy::PresenceOnly;
    if (!values) fields[size_t(h.field)].flags |= kFieldIncomplete;
    return h;
  }

  // A value of a spelled field that has no V term: the frame still carries the field.
  void unspelled(Xapian::Document &doc, int32_t field) {
    fields[size_t(field)].flags |= kFieldIncomplete;
    doc.add_boolean_term(presence_term(uint32_t(field)));
  }

  static void hex(std::string &out, std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    for (unsigned char c : bytes) {
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }

  void add(const FrameRecord &frame) {
    Xapian::Document doc;
    std::string term;
    words.clear();
    for (const FieldValue &v : frame.fields) {
      const HfInfo &h = info(v.hf_id);
      if (h.field < 0) continue;
      if (last_frame[size_t(h.field)] != frame.number) {
        last_frame[size_t(h.field)] = frame.number;
        ++fields[size_t(h.field)].frames;
      }
      if (h.policy == Policy::Derived) continue;
      if (h.policy != Policy::Values) {
        doc.add_boolean_term(presence_term(uint32_t(h.field)));
        continue;
      }
      term = value_prefix(uint32_t(h.field));
      size_t prefix = term.size();
      switch (v.kind) {
        case ValueKind::Integer:
          term += std::to_string(v.integer);
          break;
        case ValueKind::Bytes: {
          std::string_view bytes = frame.text(v);
          if (bytes.size() * 2 > kMaxValueTerm) { unspelled(doc, h.field); continue; }
          hex(term, bytes);
          break;
        }
        default: {
          std::string_view text = frame.text(v);
          if (h.string) split_words(text, words);
          if (text.size() > kMaxValueTerm) { unspelled(doc, h.field); continue; }
          term += lower_ascii(text);
          break;
        }
      }
      if (term.size() == prefix) { unspelled(doc, h.field); continue; }  // an empty value
      doc.add_boolean_term(term);
    }
    split_words(frame.title, words);
    for (const std::string &w : words) doc.add_boolean_term(word_term(w));

    auto column = [&](int index, std::string_view value) {
      if (value.empty()) return;
      ++fields[size_t(index)].frames;
      doc.add_boolean_term(column_prefix[size_t(index)] + lower_ascii(value));
    };
    column(0, frame.src);
    column(1, frame.dst);
    if (frame.has_ports) {
      column(2, std::to_string(frame.sport));
      column(3, std::to_string(frame.dport));
    }
    if (frame.ip_proto >= 0) column(4, std::to_string(frame.ip_proto));
    column(5, frame.service);
    column(6, std::to_string(frame.length));
    column(7, std::to_string(frame.caplen));
    doc.add_value(kSlotTime, Xapian::sortable_serialise(frame.time()));
    db.replace_document(frame.number, doc);
  }
};

SearchIndexWriter::SearchIndexWriter(const std::string &directory) : impl_(std::make_unique<Impl>(directory)) {}
SearchIndexWriter::~SearchIndexWriter() = default;

void SearchIndexWriter::add(const FrameRecord &frame) { impl_->add(frame); }

void SearchIndexWriter::finish() {
  impl_->db.set_metadata("fields", encode_fields(impl_->fields));
  impl_->db.commit();
  // A freshly written glass database is half empty B-tree pages; compacting it into its final
  // place halves it. The uncompacted copy is removed.
  impl_->db.compact(impl_->path, Xapian::DBCOMPACT_NO_RENUMBER);
  impl_->db.close();
  remove_tree(impl_->path + ".tmp");
}

}  // namespace xtractr
