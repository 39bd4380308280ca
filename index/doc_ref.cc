// doc_ref.cc — see doc_ref.h.
#include "index/doc_ref.h"

#include <cstring>
#include <mutex>
#include <new>
#include <random>
#include <utility>
#include <vector>

#include "core/sql_error.h"
#include "index/table_columns.h"

namespace xtractr {

namespace {

struct Slot {
  std::weak_ptr<CaptureIndex> index;
  const CaptureIndex *key;  // for finding the slot again (compared, never followed)
  int64_t id_base, flow_base;
  bool flows;
};

struct Registry {
  std::mutex mutex;
  std::vector<Slot> slots;
  uint64_t nonce = std::random_device()() * 0x100000001ull ^ std::random_device()();
};

Registry &registry() {
  static Registry *r = new Registry();  // never destroyed: docrefs may be read at exit
  return *r;
}

}  // namespace

DocRefSlot doc_ref_slot(const CollectionMember &member, bool flows) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (size_t i = 0; i < r.slots.size(); ++i) {
    const Slot &s = r.slots[i];
    if (s.key == member.index.get() && s.id_base == member.id_base && s.flow_base == member.flow_base &&
        s.flows == flows && !s.index.expired())
      return DocRefSlot(i);
  }
  if (r.slots.size() >= UINT32_MAX - 1) throw UserError("too many captures opened in this process for docref");
  r.slots.push_back(Slot{member.index, member.index.get(), member.id_base, member.flow_base, flows});
  return DocRefSlot(r.slots.size() - 1);
}

void write_doc_ref(DocRefSlot slot, int64_t local_id, char *out) {
  const uint64_t nonce = registry().nonce;
  std::memcpy(out, XTRACTR_DOC_REF_MAGIC, 4);
  std::memcpy(out + 4, &nonce, 8);
  std::memcpy(out + 12, &slot, 4);
  std::memcpy(out + 16, &local_id, 8);
}

int64_t DocRefReader::select(std::string_view ref) {
  uint64_t nonce;
  DocRefSlot slot;
  int64_t local_id;
  if (!looks_like_doc_ref(ref.data(), ref.size())) throw UserError("not a docref (a BLOB from packets() or flows())");
  std::memcpy(&nonce, ref.data() + 4, 8);
  std::memcpy(&slot, ref.data() + 12, 4);
  std::memcpy(&local_id, ref.data() + 16, 8);
  Registry &r = registry();
  if (nonce != r.nonce) throw UserError("a docref of another process or library is no docref here");
  if (slot == slot_) return local_id;
  std::lock_guard<std::mutex> lock(r.mutex);
  if (slot >= r.slots.size()) throw UserError("not a docref (no such capture)");
  const Slot &s = r.slots[slot];
  std::shared_ptr<CaptureIndex> index = s.index.lock();
  if (!index) throw UserError("a docref of a capture index that was closed since (read it in the query that made it)");
  rows_ = Statement();
  row_id_ = -1;
  member_ = CollectionMember{std::move(index), s.id_base, s.flow_base};
  flows_ = s.flows;
  slot_ = slot;
  return local_id;
}

sqlite3_stmt *DocRefReader::row(int64_t local_id) {
  if (row_id_ == local_id) return rows_.get();
  if (!rows_) {
    // the stored columns (their positions as index_select_sql gives them), then id; rows from
    // ?1 on, so that a scan in id order steps the cursor instead of seeking each row
    std::string sql = index_select_sql(flows_ ? flow_columns() : packet_columns());
    sql.insert(sql.rfind(" FROM "), ", id");
    rows_ = Statement(member_.index->db(), sql + " WHERE id >= ?1 ORDER BY id");
    id_column_ = sqlite3_column_count(rows_.get()) - 1;
    row_id_ = -1;
  }
  const bool next = row_id_ >= 0 && local_id == row_id_ + 1;
  row_id_ = -1;
  if (next && rows_.step() && rows_.integer(id_column_) == local_id) {
    row_id_ = local_id;
    return rows_.get();
  }
  rows_.reset();
  rows_.bind(1, local_id);
  if (!rows_.step() || rows_.integer(id_column_) != local_id)
    throw UserError("a docref names row " + std::to_string(local_id) + " that the index of '" +
                    member_.index->capture() + "' lacks");
  row_id_ = local_id;
  return rows_.get();
}

bool DocRefReader::member(std::string_view ref, std::string_view name, std::string &out) {
  const int64_t local_id = select(ref);
  if (flows_) return DocBuilder::flow_member(member_, row(local_id), name, out);
  if (local_id < 1 || local_id > member_.index->summary().frames)
    throw UserError("a docref names frame " + std::to_string(local_id) + " that '" + member_.index->capture() +
                    "' lacks");
  return docs_.packet_member(member_, local_id, name, out, [&] { return row(local_id); });
}

size_t DocRefReader::members(std::string_view refs, std::string_view name, std::string &out,
                             std::vector<size_t> &sizes) {
  // where a docref's slot and row id are (write_doc_ref)
  auto slot_and_block = [&](size_t at) {
    DocRefSlot slot;
    int64_t local_id;
    std::memcpy(&slot, refs.data() + at + 12, 4);
    std::memcpy(&local_id, refs.data() + at + 16, 8);
    return std::make_pair(slot, (local_id - 1) / int64_t(kFramesPerBlock));
  };
  size_t at = 0;
  for (; at + XTRACTR_DOC_REF_SIZE <= refs.size(); at += XTRACTR_DOC_REF_SIZE) {
    const std::string_view ref = refs.substr(at, XTRACTR_DOC_REF_SIZE);
    if (at > 0 && looks_like_doc_ref(ref.data(), ref.size()) && slot_and_block(at) != slot_and_block(0)) break;
    const size_t before = out.size();
    sizes.push_back(member(ref, name, out) ? out.size() - before : XTRACTR_DOC_REF_ABSENT);
  }
  return at / XTRACTR_DOC_REF_SIZE;
}

std::string DocRefReader::whole(std::string_view ref) {
  const int64_t local_id = select(ref);
  return flows_ ? DocBuilder::flow_doc(member_, row(local_id)) : docs_.packet_doc(member_, row(local_id));
}

namespace {

// The C reader: a DocRefReader and the text of its last answer (and members()' sizes).
struct ReaderState {
  ReaderState() { reader.read_ahead(); }
  DocRefReader reader;
  std::string text;
  std::vector<size_t> sizes;
};

template <typename Read>
int answer(void *state, const char **json, size_t *json_size, Read &&read) {
  auto &s = *static_cast<ReaderState *>(state);
  int found = -1;
  try {
    s.text.clear();
    found = read(s) ? 1 : 0;
  } catch (const std::bad_alloc &) {
    s.text = "out of memory";
  } catch (const std::exception &e) {
    s.text = e.what();
  }
  *json = s.text.data();
  *json_size = s.text.size();
  return found;
}

const XtractrDocReader reader_table = {
    []() -> void * { return new (std::nothrow) ReaderState(); },
    [](void *state) { delete static_cast<ReaderState *>(state); },
    [](void *state, const void *ref, size_t ref_size, const char *name, size_t name_size, const char **json,
       size_t *json_size) {
      return answer(state, json, json_size, [&](ReaderState &s) {
        return s.reader.member(std::string_view(static_cast<const char *>(ref), ref_size),
                               std::string_view(name, name_size), s.text);
      });
    },
    [](void *state, const void *refs, size_t count, const char *name, size_t name_size, const char **json,
       const size_t **sizes) {
      auto &s = *static_cast<ReaderState *>(state);
      s.sizes.clear();
      size_t size, done = 0;
      const int found = answer(state, json, &size, [&](ReaderState &s) {
        done = s.reader.members(std::string_view(static_cast<const char *>(refs), count * XTRACTR_DOC_REF_SIZE),
                                std::string_view(name, name_size), s.text, s.sizes);
        return true;
      });
      *sizes = s.sizes.data();
      return found < 0 ? -1L : long(done);
    },
    [](void *state, const void *ref, size_t ref_size, const char **json, size_t *json_size) {
      return answer(state, json, json_size, [&](ReaderState &s) {
        s.text = s.reader.whole(std::string_view(static_cast<const char *>(ref), ref_size));
        return true;
      });
    },
};

}  // namespace

const XtractrDocReader *doc_ref_reader() { return &reader_table; }

}  // namespace xtractr
