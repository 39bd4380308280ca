// field_registry.cc — see field_registry.h.
#include "dissect/field_registry.h"

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "dissect/wireshark_runtime.h"

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

namespace {

// The announced fields of the open AnnouncedFields scope.
class Announced {
 public:
  int announce(const FieldFacts &facts) {
    std::lock_guard<std::mutex> lock(mutex_);
    // the parent first: adding it may move entries_
    const int parent = facts.parent.empty() ? -1 : find_or_add(facts.parent, FT_PROTOCOL);
    const int id = find_or_add(facts.identity.name, facts.identity.type);
    entries_[size_t(id)].kind = facts.kind;
    entries_[size_t(id)].parent = parent;
    return id;
  }

  int by_name(const std::string &name) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::vector<int> &ids = by_name_[name];
    return ids.empty() ? add(name, -1) : ids.front();
  }

  int by_identity(const FieldIdentity &identity) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = by_name_.find(identity.name);
    if (found == by_name_.end()) return -1;
    for (int id : found->second)
      if (entries_[size_t(id)].identity.type == identity.type) return id;
    return -1;
  }

  // A copy: the table can grow meanwhile on another thread.
  bool get(int id, FieldFacts &facts) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (id < 0 || size_t(id) >= entries_.size()) return false;
    const Entry &e = entries_[size_t(id)];
    facts = FieldFacts{e.identity, e.kind, e.parent < 0 ? "" : entries_[size_t(e.parent)].identity.name};
    return true;
  }

 private:
  struct Entry {
    FieldIdentity identity;  // type -1 while only looked up by name
    ValueKind kind = ValueKind::Text;
    int parent = -1;
  };

  int find_or_add(const std::string &name, int type) {
    std::vector<int> &ids = by_name_[name];
    for (int id : ids)
      if (entries_[size_t(id)].identity.type == type) return id;
    for (int id : ids)  // reserved by a lookup by name: the first announcement takes it
      if (entries_[size_t(id)].identity.type == -1) {
        entries_[size_t(id)].identity.type = type;
        return id;
      }
    return add(name, type);
  }

  int add(const std::string &name, int type) {
    const int id = int(entries_.size());
    entries_.push_back(Entry{FieldIdentity{name, type}});
    by_name_[name].push_back(id);
    return id;
  }

  std::mutex mutex_;
  std::vector<Entry> entries_;  // by our id
  std::unordered_map<std::string, std::vector<int>> by_name_;
};

std::atomic<Announced *> announced{nullptr};

// libwireshark's own answers (the dissecting processes)
ValueKind live_kind(header_field_info *hf) {
  if (!hf) return ValueKind::Text;
  // tshark prints the "data" protocol (undissected bytes) as the hex of its bytes
  static const int proto_data = proto_get_id_by_filter_name("data");
  if (hf->id == proto_data) return ValueKind::Bytes;
  if (integer_field_type(hf->type) || hf->type == FT_BOOLEAN) return ValueKind::Integer;
  switch (hf->type) {
    case FT_FLOAT:
    case FT_DOUBLE:
    case FT_RELATIVE_TIME:
      return ValueKind::NumberText;
    case FT_NONE:
      return ValueKind::Present;
    case FT_BYTES:
    case FT_UINT_BYTES:
      // tshark prints plain hex unless the field asks for separators between bytes
      switch (FIELD_DISPLAY(hf->display)) {
        case SEP_DOT:
        case SEP_DASH:
        case SEP_COLON:
        case SEP_SPACE:
          return ValueKind::Text;
        default:
          return ValueKind::Bytes;
      }
    default:
      return ValueKind::Text;
  }
}

header_field_info *live_field(int hf_id) { return hf_id < 0 ? nullptr : proto_registrar_get_nth(guint(hf_id)); }

}  // namespace

AnnouncedFields::AnnouncedFields() {
  Announced *none = nullptr;
  auto table = std::make_unique<Announced>();
  if (!announced.compare_exchange_strong(none, table.get()))
    throw std::logic_error("announced fields: a scope is open already");
  table.release();
}

AnnouncedFields::~AnnouncedFields() { delete announced.exchange(nullptr); }

int announced_field_id(const FieldFacts &facts) {
  if (Announced *a = announced.load()) return a->announce(facts);
  return field_id(facts.identity);
}

bool fields_announced() { return announced.load() != nullptr; }

FieldFacts field_facts(int hf_id) {
  if (Announced *a = announced.load()) {
    FieldFacts facts;
    if (!a->get(hf_id, facts)) return FieldFacts{FieldIdentity{"", -1}, ValueKind::Text, ""};
    return facts;
  }
  header_field_info *hf = live_field(hf_id);
  if (!hf) return FieldFacts{FieldIdentity{"", -1}, ValueKind::Text, ""};
  header_field_info *parent = hf->parent >= 0 ? live_field(hf->parent) : nullptr;
  return FieldFacts{FieldIdentity{hf->abbrev ? hf->abbrev : "", int(hf->type)}, live_kind(hf),
                    parent && parent->abbrev ? parent->abbrev : ""};
}

std::string field_name(int hf_id) {
  if (announced.load()) return field_facts(hf_id).identity.name;
  header_field_info *hf = live_field(hf_id);
  return hf && hf->abbrev ? hf->abbrev : "";
}

ValueKind field_kind(int hf_id) {
  if (announced.load()) return field_facts(hf_id).kind;
  return live_kind(live_field(hf_id));
}

bool integer_field_type(int type) {
  const auto t = ftenum_t(type);
  return IS_FT_INT(t) || (IS_FT_UINT(t) && t != FT_CHAR);
}

int field_id(const char *name) {
  if (Announced *a = announced.load()) return a->by_name(name);
  ensure_wireshark();
  return proto_registrar_get_id_byname(name);
}

int field_id(const FieldIdentity &identity) {
  if (Announced *a = announced.load()) return a->by_identity(identity);
  ensure_wireshark();
  header_field_info *hf = proto_registrar_get_byname(identity.name.c_str());
  if (!hf) return -1;
  while (hf->same_name_prev_id != -1) hf = proto_registrar_get_nth(guint(hf->same_name_prev_id));
  for (; hf; hf = hf->same_name_next)
    if (int(hf->type) == identity.type) return hf->id;
  return -1;
}

}  // namespace xtractr
