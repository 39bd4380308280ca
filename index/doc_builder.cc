// doc_builder.cc — see doc_builder.h.
#include "index/doc_builder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace xtractr {

void json_append_double(std::string &out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void json_append_sql_value(std::string &out, sqlite3_value *value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      out += std::to_string(sqlite3_value_int64(value));
      break;
    case SQLITE_FLOAT:
      json_append_double(out, sqlite3_value_double(value));
      break;
    case SQLITE_NULL:
      out += "null";
      break;
    default: {
      const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
      json_append_string(out, std::string_view(text ? text : "", size_t(sqlite3_value_bytes(value))));
    }
  }
}

// One block decoded ahead, on a thread that waits for the next: start() hands it a block's
// data, take() waits for it and swaps the decoded block in. A block it could not decode (damage)
// is decoded again by the caller, whose error then names it.
struct DocBuilder::ReadAhead {
  std::mutex mutex;
  std::condition_variable changed;
  bool stop = false;
  bool busy = false;   // decoding `block`
  bool ready = false;  // `decoder` holds `block` (or failed to)
  bool failed = false;
  std::shared_ptr<const CaptureIndex> index;  // held, so that no other index takes its address
  int64_t block = -1;
  std::string data;
  std::unique_ptr<BlockDecoder> decoder = std::make_unique<BlockDecoder>();
  std::thread thread;  // last: starts once the rest is made

  ReadAhead() : thread([this] { run(); }) {}
  ~ReadAhead() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    changed.notify_all();
    thread.join();
  }
  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return stop || busy; });
      if (stop) return;
      std::string compressed = std::move(data);
      lock.unlock();
      bool ok = true;
      try {
        decoder->load(compressed);
      } catch (...) {
        ok = false;
      }
      lock.lock();
      busy = false;
      ready = true;
      failed = !ok;
      changed.notify_all();
    }
  }
  void start(std::shared_ptr<const CaptureIndex> of, int64_t number, std::string compressed) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return !busy; });
    index = std::move(of);
    block = number;
    data = std::move(compressed);
    busy = true;
    ready = false;
    changed.notify_all();
  }
  // Block `number` of `of` into `into` when it is the one started; false when not (or failed).
  bool take(const CaptureIndex *of, int64_t number, std::unique_ptr<BlockDecoder> &into) {
    std::unique_lock<std::mutex> lock(mutex);
    if (index.get() != of || block != number || !(busy || ready)) return false;
    changed.wait(lock, [&] { return !busy; });
    ready = false;
    if (failed) return false;
    std::swap(into, decoder);
    return true;
  }
};

DocBuilder::DocBuilder() : decoder_(std::make_unique<BlockDecoder>()) {}
DocBuilder::~DocBuilder() = default;

void DocBuilder::load_block(const CollectionMember &member, int64_t frame) {
  int64_t block = (frame - 1) / kFramesPerBlock;
  const CaptureIndex *index = member.index.get();
  if (index_ == index && block_ == block) return;
  const bool in_order = (index_ == index && block_ + 1 == block) || block == 0;
  index_ = nullptr;
  if (!ahead_ || !ahead_->take(index, block, decoder_)) {
    std::string data = index->block(block);
    if (data.empty())
      throw std::runtime_error("index of '" + index->capture() + "' lacks block " + std::to_string(block));
    decoder_->load(data);
  }
  selections_.clear();
  last_selection_ = nullptr;
  index_ = index;
  block_ = block;
  if (!read_ahead_ || !in_order) return;
  if (!ahead_) {
    try {
      ahead_ = std::make_unique<ReadAhead>();
    } catch (const std::system_error &) {  // no thread: blocks are decoded in turn
      read_ahead_ = false;
      return;
    }
  }
  std::string next = index->block(block + 1);
  if (!next.empty()) ahead_->start(member.index, block + 1, std::move(next));
}

std::string_view DocBuilder::block_text(const CollectionMember &member, int64_t frame, int which) {
  load_block(member, frame);
  const uint32_t n = uint32_t((frame - 1) % kFramesPerBlock);
  switch (which) {
    case kBlockSrc:
      return decoder_->src(n);
    case kBlockDst:
      return decoder_->dst(n);
    default:
      return decoder_->title(n);
  }
}

const std::vector<StoredValue> &DocBuilder::fields(const CollectionMember &member, int64_t frame) {
  load_block(member, frame);
  decoder_->frame(uint32_t((frame - 1) % kFramesPerBlock), member.index->dictionary(), values_, sources_);
  auto read = [](void *context, uint32_t n) { return static_cast<const CaptureIndex *>(context)->frame_bytes(n); };
  resolve_references(values_, sources_, uint32_t(frame), read, const_cast<CaptureIndex *>(member.index.get()),
                     source_bytes_);
  return values_;
}

namespace {

// The doc key of a column: its name, or the doc key of an Internal column.
const char *doc_key(const ColumnDef &def) { return def.origin == ColumnOrigin::Internal ? def.doc_key : def.name; }

// The doc keys of a table's columns as views (a member read compares a name with each).
const std::vector<std::string_view> &doc_keys(const TableColumns &t) {
  auto keys = [](const TableColumns &t) {
    std::vector<std::string_view> out;
    for (size_t c = 0; c < t.count; ++c) out.push_back(doc_key(t.defs[c]));
    return out;
  };
  static const std::vector<std::string_view> packets = keys(packet_columns()), flows = keys(flow_columns());
  return &t == &packet_columns() ? packets : flows;
}

// Whether the doc has the column: Internal ones and flow ids (`tunnel` outside tunnels) only
// when not NULL.
bool in_doc(const TableColumns &t, int c, sqlite3_stmt *row) {
  const ColumnOrigin origin = t.defs[c].origin;
  return (origin != ColumnOrigin::Internal && origin != ColumnOrigin::FlowId) ||
         sqlite3_column_type(row, stored_column(t, c)) != SQLITE_NULL;
}

// The value of column `c` of a row as JSON; `text` gives a BlockText column's value.
template <typename BlockText>
void append_column(std::string &out, const TableColumns &t, int c, const CollectionMember &member, sqlite3_stmt *row,
                   BlockText &&text) {
  const ColumnDef &def = t.defs[c];
  const int col = stored_column(t, c);
  switch (def.origin) {
    case ColumnOrigin::Stored:
    case ColumnOrigin::Internal:
      json_append_sql_value(out, sqlite3_column_value(row, col));
      break;
    case ColumnOrigin::PacketId:
      out += std::to_string(member.id_base + sqlite3_column_int64(row, col));
      break;
    case ColumnOrigin::FlowId:
      out += std::to_string(member.flow_base + sqlite3_column_int64(row, col));
      break;
    case ColumnOrigin::Pcap:
      json_append_string(out, member.index->capture());
      break;
    case ColumnOrigin::BlockText:
      json_append_string(out, text(def.block_text));
      break;
  }
}

// The columns of a row as doc keys, in the registry's order (table_columns.h).
template <typename BlockText>
void append_columns(std::string &out, const TableColumns &t, const CollectionMember &member, sqlite3_stmt *row,
                    BlockText &&text) {
  for (size_t c = 0; c < t.count; ++c) {
    if (!in_doc(t, int(c), row)) continue;
    if (c > 0) out.push_back(',');
    json_append_string(out, doc_key(t.defs[c]));
    out.push_back(':');
    append_column(out, t, int(c), member, row, text);
  }
}

// Member `name` of a doc when it is a column (columns come first in a doc, so they win).
template <typename BlockText>
bool append_column_member(std::string &out, const TableColumns &t, std::string_view name,
                          const CollectionMember &member, sqlite3_stmt *row, BlockText &&text) {
  const std::vector<std::string_view> &keys = doc_keys(t);
  for (size_t c = 0; c < t.count; ++c)
    if (name == keys[c] && in_doc(t, int(c), row)) {
      append_column(out, t, int(c), member, row, text);
      return true;
    }
  return false;
}

}  // namespace

std::string DocBuilder::packet_doc(const CollectionMember &member, sqlite3_stmt *row) {
  std::string out;
  out.reserve(4096);
  const int64_t local_id = sqlite3_column_int64(row, stored_column(packet_columns(), PKT_ID));
  out.push_back('{');
  append_columns(out, packet_columns(), member, row, [&](int which) { return block_text(member, local_id, which); });
  json_append_fields(out, fields(member, local_id), member.index->dictionary());
  out.push_back('}');
  return out;
}

bool DocBuilder::packet_member(const CollectionMember &member, int64_t local_id, std::string_view name,
                               std::string &out, const std::function<sqlite3_stmt *()> &row) {
  const TableColumns &columns = packet_columns();
  for (std::string_view key : doc_keys(columns))
    if (name == key)
      return append_column_member(out, columns, name, member, row(),
                                  [&](int which) { return block_text(member, local_id, which); });
  load_block(member, local_id);
  const auto *block = selected(member, name);
  const uint32_t n = uint32_t((local_id - 1) % kFramesPerBlock);
  if (!block || n >= block->size() || (*block)[n].empty()) return false;
  const std::vector<StoredValue> *values = &(*block)[n];
  std::vector<StoredValue> resolved;
  for (const StoredValue &v : *values)
    if (v.source >= 0) {  // a slice of the frame's bytes: resolve the frame's references
      const std::vector<uint32_t> &ids = field_ids_.find(std::string(name))->second;
      for (const StoredValue &w : fields(member, local_id))
        if (std::find(ids.begin(), ids.end(), w.id) != ids.end()) resolved.push_back(w);
      values = &resolved;
      break;
    }
  if (values->size() == 1) {
    json_append_value(out, values->front());
    return true;
  }
  out.push_back('[');
  for (size_t k = 0; k < values->size(); ++k) {
    if (k) out.push_back(',');
    json_append_value(out, (*values)[k]);
  }
  out.push_back(']');
  return true;
}

const std::vector<std::vector<StoredValue>> *DocBuilder::selected(const CollectionMember &member,
                                                                  std::string_view name) {
  if (last_selection_ && names_of_ == member.index.get() && name == last_name_) return last_selection_;
  const std::vector<DictionaryEntry> &dictionary = member.index->dictionary();
  if (names_of_ != member.index.get()) {
    last_selection_ = nullptr;
    field_ids_.clear();
    for (uint32_t id = 0; id < dictionary.size(); ++id) field_ids_[dictionary[id].name].push_back(id);
    names_of_ = member.index.get();
  }
  std::string key(name);
  auto ids = field_ids_.find(key);
  if (ids == field_ids_.end()) return nullptr;
  auto done = selections_.find(key);
  if (done == selections_.end()) {
    wanted_.assign(dictionary.size(), false);
    for (uint32_t id : ids->second) wanted_[id] = true;
    done = selections_.emplace(key, decoder_->select(dictionary, wanted_)).first;
  }
  last_name_ = std::move(key);
  last_selection_ = &done->second;
  return last_selection_;
}

bool DocBuilder::flow_member(const CollectionMember &member, sqlite3_stmt *row, std::string_view name,
                             std::string &out) {
  return append_column_member(out, flow_columns(), name, member, row, [](int) { return std::string_view(); });
}

std::string DocBuilder::flow_doc(const CollectionMember &member, sqlite3_stmt *row) {
  std::string out = "{";
  // tcp_stream / udp_stream (Internal): Wireshark's own stream number, to go from a flow to
  // `tcp.stream == N` and back
  append_columns(out, flow_columns(), member, row, [](int) { return std::string_view(); });
  out.push_back('}');
  return out;
}

}  // namespace xtractr
